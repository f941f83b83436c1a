import type { ImageMap, SiteIndex } from "../model.js";
import { makeUrls } from "../routes/urls.js";
import { loadDateLocale, makeTimeFormatter } from "./dates.js";
import { createMarkdown } from "./markdown.js";
import type { ViewContext } from "./view-model.js";

/** The plain data a ViewContext is made from: what a render worker receives (functions cannot cross threads). */
export interface ViewRecipe {
  index: SiteIndex;
  images: ImageMap;
  assets: Map<string, string>;
}

/** The renderers' context, made the same way on the main thread and in a render worker, so both render alike. */
export async function viewContext({ index, images, assets }: ViewRecipe): Promise<ViewContext> {
  const { config } = index;
  const urls = makeUrls(config);
  return {
    index,
    urls,
    time: makeTimeFormatter(config.timeZone, config.dateFormat, await loadDateLocale(config.language)),
    markdown: createMarkdown(config, { images, urls }),
    images,
    assets,
  };
}
