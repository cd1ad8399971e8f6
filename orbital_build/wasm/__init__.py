"""The wasm64 target: the same kernel core and services built as WebAssembly modules,
and the static site whose JavaScript host runs them in a browser (`orbital-build wasm`,
`orbital-build serve`)."""
