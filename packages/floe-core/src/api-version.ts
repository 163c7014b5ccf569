/** The plugin API version this floe-core implements, and floe's compatibility rule. */
export const FLOE_API_VERSION = "1.2";

export interface ApiVersion {
  major: number;
  minor: number;
}

export function parseApiVersion(value: unknown): ApiVersion | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(\d+)\.(\d+)$/.exec(value);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** Compatible iff the same major and the plugin's minor is not newer than core's. */
export function isApiCompatible(pluginApiVersion: string, coreApiVersion: string = FLOE_API_VERSION): boolean {
  const plugin = parseApiVersion(pluginApiVersion);
  const core = parseApiVersion(coreApiVersion);
  if (!plugin || !core) return false;
  return plugin.major === core.major && plugin.minor <= core.minor;
}
