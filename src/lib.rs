//! kcp-wasm (skeleton; the core lands in the next commits).
