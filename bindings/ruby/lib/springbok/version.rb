# frozen_string_literal: true

module Springbok
  # The gem's version (the C library's is Springbok.abi_version).
  VERSION = "0.1.0"
end
