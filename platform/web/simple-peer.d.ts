/**
 * simple-peer's prebuilt browser bundle. Its CommonJS entry needs Node's `global`, `process` and
 * `Buffer` in the page (feross/simple-peer#883); the bundle carries its own shims, so the page
 * imports it instead of adding polyfills to the build. Same API, same types.
 */
declare module 'simple-peer/simplepeer.min.js' {
  import SimplePeer from 'simple-peer';
  export default SimplePeer;
}
