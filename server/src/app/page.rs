//! `GET /`: plain HTML, one urlencoded form and one multipart form, both
//! posting to `/echo`.

/// The page.
pub const INDEX: &[u8] = br#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Springbok reference server</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
form { border: 1px solid #ccc; border-radius: 6px; padding: 1rem; }
label { display: block; margin: .5rem 0; }
input[type=text], textarea { width: 100%; box-sizing: border-box; }
code { background: #f3f3f3; padding: 0 .2rem; }
</style>
</head>
<body>
<h1>Springbok reference server</h1>
<p>Every request here is parsed by Springbok: the head by <code>springbok-parser</code>, forms by
<code>springbok-form-urlencoded</code>, uploads by <code>springbok-multipart</code>, streamed to a temporary
file and hashed on the way. <a href="/echo?from=link&amp;lang=en">/echo</a> shows a request as JSON;
<a href="/hello">/hello</a> is the benchmark page.</p>

<h2>A urlencoded form</h2>
<form id="urlencoded" method="post" action="/echo?form=urlencoded">
<label>Name <input type="text" name="name" value="Springbok"></label>
<label>Comment <textarea name="comment" rows="3">Fast &amp; strict: a+b=c, 100%</textarea></label>
<label><input type="checkbox" name="tags" value="http" checked> http</label>
<label><input type="checkbox" name="tags" value="rust" checked> rust</label>
<button type="submit" id="send-urlencoded">Send</button>
</form>

<h2>A multipart upload</h2>
<form id="multipart" method="post" action="/echo?form=multipart" enctype="multipart/form-data">
<label>Title <input type="text" name="title" value="An upload"></label>
<label>Files <input type="file" name="files" multiple></label>
<button type="submit" id="send-multipart">Upload</button>
</form>

<p>Each file's name, type, size and SHA-256 come back in the JSON; its bytes were written to a temporary file,
never held whole in memory, and removed after the response.</p>
</body>
</html>
"#;
