import path from "node:path";
import { loadConfig, ID_PATTERN, MAX_SLUG } from "../config/load-config.js";
import { missingFolder } from "../config/source-folders.js";
import { loadContent } from "../content/load-content.js";
import { createFileOnce, newArticleFile } from "../content/new-article.js";
import { hasErrors } from "../errors/diagnostic.js";
import { didYouMean } from "../errors/suggest.js";
import type { SiteConfig } from "../model.js";
import { slugify } from "../site/slugify.js";
import { validateContent } from "../validate/validate-content.js";
import { UsageError, type Values } from "./args.js";
import { resolveNow } from "./now.js";
import { printDiagnostics, type Output } from "./output.js";

/** `broadsheet new "Headline" --category ID`: a ready-to-edit draft in content/articles/YYYY/MM/. */
export async function runNew(values: Values<"new">, positionals: string[], io: Output): Promise<number> {
  const headline = positionals[0]?.trim() ?? "";
  if (headline === "") throw new UsageError('give the headline: broadsheet new "Headline" --category ID');
  if (values.category === undefined) throw new UsageError("--category is required");

  const missing = missingFolder(values.content, "content");
  if (missing.length > 0) {
    printDiagnostics(io, missing);
    return 1;
  }
  const loaded = await loadConfig(values.content);
  if (!loaded.config || hasErrors(loaded.diagnostics)) {
    printDiagnostics(io, loaded.diagnostics);
    io.err.write("broadsheet new: fix site.yml and authors.yml first.\n");
    return 1;
  }
  const config = loaded.config;
  const categories = config.categories.map((c) => c.id);
  if (!categories.includes(values.category)) {
    throw new UsageError(`unknown category "${values.category}". ${didYouMean(values.category, categories)}Categories in site.yml: ${categories.join(", ")}`);
  }
  const authors = config.authors.map((a) => a.id);
  if (values.author !== undefined && !authors.includes(values.author)) {
    throw new UsageError(`unknown author "${values.author}". ${didYouMean(values.author, authors)}Authors in authors.yml: ${authors.join(", ") || "(none)"}`);
  }
  const slug = values.slug ?? shortSlug(slugify(headline));
  if (!ID_PATTERN.test(slug)) {
    throw new UsageError(
      values.slug === undefined
        ? `cannot make a URL name from ${JSON.stringify(headline)}: give one with --slug, e.g. --slug budget-vote`
        : `--slug must be lower-case letters, digits and dashes, e.g. budget-vote`,
    );
  }
  if (slug.length > MAX_SLUG) throw new UsageError(`--slug is ${slug.length} characters long: at most ${MAX_SLUG}`);

  const file = newArticleFile(
    {
      headline,
      slug,
      category: values.category,
      ...(values.author !== undefined && { author: values.author }),
      ...(values.subtitle !== undefined && { subtitle: values.subtitle }),
    },
    config.timeZone,
    resolveNow(io.env),
  );
  const target = path.join(values.content, file.relPath);
  const owner = await slugOwner(values.content, config, slug);
  if (owner !== undefined && path.resolve(owner) !== path.resolve(target)) {
    // Another month's story with the same headline would make the next build fail on a duplicate slug.
    io.err.write(`broadsheet new: the slug "${slug}" is already used by ${owner}; nothing was created. Choose another with --slug.\n`);
    return 1;
  }
  if (!(await createFileOnce(target, file.text))) {
    io.err.write(`broadsheet new: ${target} already exists; nothing was changed. Choose another headline or --slug.\n`);
    return 1;
  }
  io.out.write(`${target}\n`);
  return 0;
}

/** The file that already uses `slug` (an article, draft or not, or a page), if any. */
async function slugOwner(contentDir: string, config: SiteConfig, slug: string): Promise<string | undefined> {
  const valid = validateContent(await loadContent(contentDir), config, { drafts: true });
  return [...valid.articles, ...valid.pages].find((doc) => doc.slug === slug)?.file;
}

/** A slug made from a headline, cut after its last whole word within SHORT_SLUG characters. */
function shortSlug(slug: string): string {
  if (slug.length <= SHORT_SLUG) return slug;
  const cut = slug.slice(0, SHORT_SLUG + 1);
  return cut.slice(0, cut.lastIndexOf("-") > 0 ? cut.lastIndexOf("-") : SHORT_SLUG).replace(/-+$/, "");
}

/** The longest slug `new` makes from a headline: a URL to read, not the whole headline. */
const SHORT_SLUG = 80;
