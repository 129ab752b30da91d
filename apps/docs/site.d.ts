/** Absolute path of the static site `npm run docs` writes: index.html, <provider>/openapi.html, … */
export declare const docsSiteDir: string;
