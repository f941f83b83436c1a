// What an embedded URL is. Pure URL parsing: no network, no provider scripts.

export type EmbedTarget =
  /** A YouTube video, played from the privacy-enhanced domain once the reader clicks. */
  | { kind: "youtube"; url: string; player: string }
  /** A post on X/Twitter or Telegram, shown as a quote written by the editor. */
  | { kind: "post"; network: "X" | "Telegram"; handle: string; url: string }
  /** A page from a host on the site's allow-list, shown in an iframe once the reader clicks. */
  | { kind: "frame"; url: string; host: string }
  /** Anything else: a plain link. */
  | { kind: "link"; url: string };

const YOUTUBE_HOSTS = new Set(["youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com", "youtu.be"]);
const X_HOSTS = new Set(["x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com", "mobile.x.com"]);
const TELEGRAM_HOSTS = new Set(["t.me", "telegram.me", "www.t.me"]);
const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;

/** The embed for a URL; undefined when it is not an http(s) address (and so is never linked). */
export function classifyEmbed(raw: string, allowedHosts: readonly string[]): EmbedTarget | undefined {
  if (!URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  const host = url.hostname.toLowerCase();
  const parts = url.pathname.split("/").filter(Boolean);
  if (YOUTUBE_HOSTS.has(host)) {
    const id = host === "youtu.be" ? parts[0] : ["embed", "shorts", "live", "v"].includes(parts[0] ?? "") ? parts[1] : url.searchParams.get("v");
    if (id && VIDEO_ID.test(id)) {
      const start = seconds(url.searchParams.get("t") ?? url.searchParams.get("start"));
      return {
        kind: "youtube",
        url: `https://www.youtube.com/watch?v=${id}${start ? `&t=${start}s` : ""}`,
        player: `https://www.youtube-nocookie.com/embed/${id}?autoplay=1${start ? `&start=${start}` : ""}`,
      };
    }
  }
  if (X_HOSTS.has(host) && parts.length >= 3 && parts[1] === "status" && /^\d+$/.test(parts[2]!) && /^\w{1,15}$/.test(parts[0]!)) {
    return { kind: "post", network: "X", handle: `@${parts[0]}`, url: `https://x.com/${parts[0]}/status/${parts[2]}` };
  }
  if (TELEGRAM_HOSTS.has(host)) {
    const [channel, id] = parts[0] === "s" ? parts.slice(1) : parts;
    if (channel && id && /^\w{4,32}$/.test(channel) && /^\d+$/.test(id)) {
      return { kind: "post", network: "Telegram", handle: channel, url: `https://t.me/${channel}/${id}` };
    }
  }
  if (url.protocol === "https:" && allowedHosts.includes(host)) return { kind: "frame", url: url.href, host };
  return { kind: "link", url: url.href };
}

/** YouTube start times: "90", "90s", "1m30s", "1h2m3s". */
function seconds(value: string | null): number | undefined {
  if (!value) return undefined;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/.exec(value);
  if (!m) return undefined;
  const total = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  return total > 0 ? total : undefined;
}
