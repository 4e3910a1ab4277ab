/*
 * A QEMU TCG plugin that counts the guest instructions a qemu-user run
 * executes and prints the total to stderr when the guest exits: the
 * instruction counts of benches/aarch64-count, for the NEON backend on a
 * machine without an aarch64 CPU.
 *
 * Debian ships no qemu-plugin.h, so the four functions used are declared
 * here, as QEMU 7.2 (Debian 12's qemu-user) exports them: plugin API
 * version 1, where an inline add of a 64-bit counter is operation 0. Later
 * QEMU versions replaced the inline call; this plugin then fails to load
 * (an unresolved symbol or a version error), and says nothing wrong.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t plugin_id;
struct qemu_plugin_tb;
struct qemu_info_t;

#define EXPORT __attribute__((visibility("default")))
#define INLINE_ADD_U64 0

EXPORT int qemu_plugin_version = 1;

size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_trans_cb(plugin_id id, void (*cb)(plugin_id, struct qemu_plugin_tb *));
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, int op, void *counter, uint64_t add);
void qemu_plugin_register_atexit_cb(plugin_id id, void (*cb)(plugin_id, void *), void *data);

/* Single-threaded guests only: the inline add is not atomic. */
static uint64_t executed;

/* Every translated block adds its length to the counter each time it runs. */
static void on_translation(plugin_id id, struct qemu_plugin_tb *tb)
{
    (void)id;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, INLINE_ADD_U64, &executed, qemu_plugin_tb_n_insns(tb));
}

static void report(plugin_id id, void *data)
{
    (void)id;
    (void)data;
    fprintf(stderr, "guest instructions: %llu\n", (unsigned long long)executed);
}

EXPORT int qemu_plugin_install(plugin_id id, const struct qemu_info_t *info, int argc, char **argv)
{
    (void)info;
    (void)argc;
    (void)argv;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translation);
    qemu_plugin_register_atexit_cb(id, report, NULL);
    return 0;
}
