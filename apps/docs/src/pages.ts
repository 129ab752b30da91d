// The pages of the site and where each one lives under dist/. Links between pages are relative, so the site
// works from any folder of any static host (and from file://).
import type { Provider } from "@meeting-webhooks/specs";
import type { ProviderCatalog } from "./event-catalog.js";

export type PageKind = "catalog" | "conformance" | "openapi" | "asyncapi";

export interface SitePage {
  kind: PageKind;
  /** Path under the site root, with forward slashes. */
  path: string;
  title: string;
  provider?: Provider;
}

export const catalogPagePath = "index.html";

/** What `meeting-webhooks conformance` sends and checks, scenario by scenario. */
export const conformancePagePath = "conformance.html";

export function openApiPagePath(provider: Provider): string {
  return `${provider}/openapi.html`;
}

export function asyncApiPagePath(provider: Provider): string {
  return `${provider}/asyncapi.html`;
}

/** The bundled documents the reference pages are rendered from, published beside them for download. */
export function openApiBundlePath(provider: Provider): string {
  return `${provider}/openapi.json`;
}

export function asyncApiBundlePath(provider: Provider): string {
  return `${provider}/asyncapi.json`;
}

/** Every HTML page of the site: the catalog, the conformance scenarios, then the two references of each provider. */
export function sitePages(catalog: readonly ProviderCatalog[]): SitePage[] {
  return [
    { kind: "catalog", path: catalogPagePath, title: "Webhook event catalog" },
    { kind: "conformance", path: conformancePagePath, title: "Conformance scenarios" },
    ...catalog.flatMap(({ provider, title }): SitePage[] => [
      { kind: "openapi", path: openApiPagePath(provider), title: `${title}: OpenAPI reference`, provider },
      { kind: "asyncapi", path: asyncApiPagePath(provider), title: `${title}: AsyncAPI reference`, provider },
    ]),
  ];
}
