import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web page, built into <repo>/dist/web (index.html + hashed files under assets/), which the api
 * serves at `/`. Everything is bundled: the page loads nothing from another host (the api's CSP is
 * `default-src 'self'`). Preact's JSX needs no plugin: Oxc compiles it with Preact's runtime.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    // No inline data: icons or fonts in CSS (img-src allows data:, but one rule for every asset is simpler).
    assetsInlineLimit: 0,
  },
});
