// Browser / bundler default entry. Browsers must fetch and compile the .wasm asynchronously:
// call `await init()` once (it finds kcp_wasm_bg.wasm next to the glue through
// `new URL(..., import.meta.url)`, which bundlers understand); before that, every API throws
// KcpError NOT_INITIALIZED.
export * from './core.js';
/** Which entry of the package was loaded (diagnostics). */
export const runtimeEntry = 'browser';
