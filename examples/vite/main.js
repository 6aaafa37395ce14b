// The browser entry of kcp-wasm needs `init()` once before anything else. Vite gives the .wasm a
// hashed name under /assets/ in `vite build`: import its URL with `?url` and pass it to init().
import { init, serializeCertificate, KcpError } from 'kcp-wasm';
import wasmUrl from 'kcp-wasm/kcp_wasm_bg.wasm?url';

const status = document.querySelector('#status');
const button = document.querySelector('#serialize');
const result = document.querySelector('#result');

try {
  await init(wasmUrl);
  status.textContent = 'ready';
  button.disabled = false;
} catch (error) {
  status.textContent = `${error.code ?? error.name}: ${error.message}`;
}

// The certificate's kcp_cert_info: the PEM on one line, as every KCP request carries it.
button.addEventListener('click', () => {
  try {
    result.textContent = serializeCertificate(document.querySelector('#cert').value);
  } catch (error) {
    result.textContent = error instanceof KcpError ? `${error.code}: ${error.message}` : String(error);
  }
});
