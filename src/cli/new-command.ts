import path from "node:path";
import { loadConfig, ID_PATTERN } from "../config/load-config.js";
import { createFileOnce, newArticleFile } from "../content/new-article.js";
import { hasErrors } from "../errors/diagnostic.js";
import { didYouMean } from "../errors/suggest.js";
import { slugify } from "../site/slugify.js";
import { UsageError, type Values } from "./args.js";
import { resolveNow } from "./build-command.js";
import { printDiagnostics, type Output } from "./output.js";

/** `broadsheet new "Headline" --category ID`: a ready-to-edit draft in content/articles/YYYY/MM/. */
export async function runNew(values: Values<"new">, positionals: string[], io: Output): Promise<number> {
  const headline = positionals[0]?.trim() ?? "";
  if (headline === "") throw new UsageError('give the headline: broadsheet new "Headline" --category ID');
  if (values.category === undefined) throw new UsageError("--category is required");

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
  const slug = values.slug ?? slugify(headline);
  if (!ID_PATTERN.test(slug)) {
    throw new UsageError(
      values.slug === undefined
        ? `cannot make a URL name from ${JSON.stringify(headline)}: give one with --slug, e.g. --slug budget-vote`
        : `--slug must be lower-case letters, digits and dashes, e.g. budget-vote`,
    );
  }

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
  if (!(await createFileOnce(target, file.text))) {
    io.err.write(`broadsheet new: ${target} already exists; nothing was changed. Choose another headline or --slug.\n`);
    return 1;
  }
  io.out.write(`${target}\n`);
  return 0;
}
