/** Stylesheets imported for their side effect: Vite bundles them into assets/. */
declare module '*.css';
