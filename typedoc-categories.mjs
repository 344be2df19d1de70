// @ts-check
/**
 * TypeDoc plugin: files every exported symbol of an entry point under a category named after the source module
 * it is defined in (src/xtc → "XTC", src/mask → "Masks", …), so the reference's sidebar is grouped by module
 * instead of one flat list. An explicit `@category` tag on a symbol wins over the path.
 */
import { Comment, Converter, ReflectionCategory, ReflectionKind } from 'typedoc';

/** Source-path prefix → category, first match wins (more specific prefixes first). */
const CATEGORY_BY_PATH = [
  ['src/errors.ts', 'Errors'],
  ['src/version.ts', 'Errors'],
  ['src/io/', 'Ndarray files'],
  ['src/xtc/synthetic/', 'Synthetic runs'],
  ['src/xtc/', 'XTC'],
  ['src/detectors/', 'Detectors'],
  ['src/dark/', 'Dark processing'],
  ['src/pipeline/', 'Dark pipeline'],
  ['src/deploy/', 'Calib store'],
  ['src/geometry/', 'Geometry'],
  ['src/mask/', 'Masks'],
  ['src/metrology/', 'Metrology'],
  ['src/alignment/', 'Alignment'],
  ['src/calibration/', 'Calibrated frames'],
  ['src/plot/', 'Plots'],
  ['src/report/', 'Reports'],
  ['src/facade/', 'Facade'],
  ['src/node/calib-store', 'Calib store'],
  ['src/node/dark-', 'Dark processing'],
  ['src/node/detector', 'Calibrated frames'],
  ['src/node/', 'Node I/O'],
  ['src/jobs/', 'Jobs'],
  ['src/calibrun/', 'calibrun'],
];

/** Order of the categories in the sidebar. */
export const CATEGORY_ORDER = [
  'Facade', 'XTC', 'Detectors', 'Dark processing', 'Dark pipeline', 'Calib store', 'Geometry', 'Masks',
  'Metrology', 'Alignment', 'Calibrated frames', 'Plots', 'Reports', 'Ndarray files', 'Node I/O', 'Jobs',
  'calibrun', 'Synthetic runs', 'Errors', '*',
];

/** @param {import('typedoc').Reflection} refl */
function categoryFromPath(refl) {
  const file = String(/** @type {any} */ (refl).sources?.[0]?.fullFileName ?? '').replaceAll('\\', '/');
  const hit = CATEGORY_BY_PATH.find(([prefix]) => file.includes(`/${prefix}`));
  return hit ? hit[1] : undefined;
}

/** @param {any} refl explicit `@category` tags on a symbol or its signatures */
function explicitCategories(refl) {
  const comments = [refl.comment, ...(refl.signatures ?? []).map((/** @type {any} */ s) => s.comment)];
  return comments.flatMap((c) =>
    (c?.blockTags ?? []).filter((/** @type {any} */ t) => t.tag === '@category').map((/** @type {any} */ t) => Comment.combineDisplayParts(t.content).trim()),
  );
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(
    Converter.EVENT_RESOLVE_END,
    (context) => {
      for (const mod of context.project.getReflectionsByKind(ReflectionKind.Module)) {
        const container = /** @type {import('typedoc').DeclarationReflection} */ (mod);
        const children = container.childrenIncludingDocuments ?? container.children ?? [];
        /** @type {Map<string, ReflectionCategory>} */
        const categories = new Map();
        for (const child of children) {
          const explicit = explicitCategories(child);
          const names = explicit.length > 0 ? explicit : [categoryFromPath(child) ?? 'Other'];
          for (const name of names) {
            let cat = categories.get(name);
            if (!cat) categories.set(name, (cat = new ReflectionCategory(name)));
            cat.children.push(/** @type {any} */ (child));
          }
        }
        const rank = (/** @type {string} */ t) => {
          const i = CATEGORY_ORDER.indexOf(t);
          return i === -1 ? CATEGORY_ORDER.indexOf('*') : i;
        };
        for (const cat of categories.values()) cat.children.sort((a, b) => a.name.localeCompare(b.name));
        container.categories = [...categories.values()].sort((a, b) => rank(a.title) - rank(b.title) || a.title.localeCompare(b.title));
      }
    },
    0,
  );
}
