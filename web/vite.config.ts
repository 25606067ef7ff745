import { defineConfig, type Plugin, type UserConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { directImports } from './vite-direct-imports.mjs';

// This file is type-checked with the browser settings of web/tsconfig.json (no Node types): declare what it uses.
declare const process: { env: Record<string, string | undefined> };

/**
 * Two pages built from web/, in two builds into the same web/dist: the agent app (index.html: React + antd, every
 * module's pages lazy-loaded; `vite build`) and the household's public pages (public.html: plain TypeScript, no React,
 * no antd, sent by the server for /s/*; `vite build --mode public`). Separate builds, so the public page shares no
 * chunk with the app: it loads its own two files, not a few tiny chunks common to both.
 * scripts/build-web.mjs runs both and checks them against their size budgets (it reads the two manifests).
 */
const root = decodeURIComponent(new URL('.', import.meta.url).pathname);

/** `npm run dev:web`: /s/* is the public page, as the server does it. */
function publicPagesInDev(): Plugin {
  return {
    name: 'hearth-public-pages-dev',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        if (req.url && /^\/s(\/|$|\?)/.test(req.url)) req.url = '/public.html';
        next();
      });
    },
  };
}

const config: UserConfig = {
  root,
  base: '/',
  plugins: [directImports(), react(), publicPagesInDev()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The entry + its static imports → the budget in scripts/build-web.mjs.
    manifest: '.vite/manifest.json',
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      input: { app: `${root}index.html` },
      // Unused re-exports of antd's and the icons' index files are not even compiled (see also directImports()).
      experimental: { lazyBarrel: true },
      output: {
        // React and the router change less often than the app: one file, cached across releases. Everything else
        // (antd included) is split by Rolldown along the lazy routes, so a page loads only the components it uses;
        // ECharts stays in its own chunk, loaded by the first chart drawn (platform/Chart.tsx imports it lazily).
        codeSplitting: {
          groups: [
            { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/, priority: 20 },
            { name: 'echarts', test: /[\\/]node_modules[\\/](echarts|zrender|tslib)[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    // `npm run dev` serves the API on :3000; the dev UI forwards /api there.
    proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } },
  },
};

/** The public pages' build: after the app's, into the same folder, with a manifest of its own. */
const publicConfig: UserConfig = {
  root,
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: false,
    manifest: '.vite/manifest.public.json',
    // Households' phones include old in-app browsers (WeChat's on older Android and iOS): syntax down to 2020's.
    target: ['es2020', 'chrome87', 'safari14', 'firefox78', 'edge88'],
    rolldownOptions: { input: { public: `${root}public.html` } },
  },
};

export default defineConfig(({ command, mode }) => {
  // A build is a production build even when started from a test runner that set NODE_ENV=test.
  if (command === 'build') process.env.NODE_ENV = 'production';
  return command === 'build' && mode === 'public' ? publicConfig : config;
});
