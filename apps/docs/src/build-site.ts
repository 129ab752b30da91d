// Builds the whole static site into one folder: the catalog, the conformance scenarios, each provider's Redoc and
// AsyncAPI references, the bundled documents they are rendered from, and the AsyncAPI component's browser files.
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { asyncApiAssets, renderAsyncApiPage } from "./asyncapi-page.js";
import { renderCatalogPage } from "./catalog-page.js";
import { renderConformancePage } from "./conformance-page.js";
import { type ContractSource, repositoryContracts } from "./contracts.js";
import { loadEventCatalog, type ProviderCatalog } from "./event-catalog.js";
import {
  asyncApiBundlePath,
  asyncApiPagePath,
  catalogPagePath,
  conformancePagePath,
  openApiBundlePath,
  openApiPagePath,
  type SitePage,
  sitePages,
} from "./pages.js";
import { buildRedocPage } from "./redoc-page.js";

export interface BuildSiteOptions {
  /** The folder to (re)create. */
  outDir: string;
  source?: ContractSource;
}

export interface BuiltSite {
  outDir: string;
  catalog: ProviderCatalog[];
  pages: SitePage[];
}

async function write(outDir: string, path: string, contents: string): Promise<void> {
  const file = join(outDir, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, contents);
}

export async function buildSite({
  outDir,
  source = repositoryContracts,
}: BuildSiteOptions): Promise<BuiltSite> {
  const catalog = loadEventCatalog(source);
  const pages = sitePages(catalog);
  const assets = asyncApiAssets();
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  await write(outDir, catalogPagePath, renderCatalogPage(catalog));
  await write(outDir, conformancePagePath, renderConformancePage());
  for (const asset of [assets.script, assets.styles]) {
    await mkdir(dirname(join(outDir, asset.path)), { recursive: true });
    await copyFile(asset.from, join(outDir, asset.path));
  }
  await Promise.all(
    catalog.map(async ({ provider, title, openapi, asyncapi }) => {
      await write(outDir, openApiBundlePath(provider), `${JSON.stringify(openapi, null, 2)}\n`);
      await write(outDir, asyncApiBundlePath(provider), `${JSON.stringify(asyncapi, null, 2)}\n`);
      await write(
        outDir,
        asyncApiPagePath(provider),
        renderAsyncApiPage({
          asyncapi,
          title: `${title}: AsyncAPI reference`,
          root: "../",
          assets,
          nav: [
            { href: `../${catalogPagePath}`, label: "← Event catalog" },
            { href: `../${openApiPagePath(provider)}`, label: "OpenAPI reference" },
            { href: `../${asyncApiBundlePath(provider)}`, label: "asyncapi.json" },
          ],
        }),
      );
      await buildRedocPage({
        openapi,
        title: `${title}: OpenAPI reference`,
        outFile: join(outDir, openApiPagePath(provider)),
        backLink: { href: `../${catalogPagePath}`, label: "← Event catalog" },
      });
    }),
  );
  return { outDir, catalog, pages };
}
