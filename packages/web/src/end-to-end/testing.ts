// What benchmarks and other suites reuse to drive the web POS in Chromium (package export
// '@mostrador/web/testing'): the build, the front that can hold sync answers, and the till steps.
export { buildWebApp, WEB_DIST } from '../build/build-web-app';
export { type AppFront, startAppFront } from './app-front';
export { barcodedUnitVariants } from './barcoded-variants';
export * from './till-driver';
