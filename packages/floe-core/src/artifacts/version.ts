import { FloeError } from "../errors.js";

/** The CompiledArtifacts versions this floe-core reads: 0.1.0 to 0.10.0, as floe's Python compiler writes them. */
export const SUPPORTED_ARTIFACTS_RANGE = { min: "0.1.0", max: "0.10.0" } as const;

export interface ArtifactsVersionCheck {
  /** Set when the version is newer than any this floe-core knows but within the same major. */
  warning?: string;
}

/**
 * Refuses versions from a major this floe-core does not know (and 0.0.x, which never shipped).
 * In 0.x, floe's compiler adds only optional fields per minor, so a newer 0.x minor is read with a warning.
 */
export function checkArtifactsVersion(version: string): ArtifactsVersionCheck {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  const range = `${SUPPORTED_ARTIFACTS_RANGE.min} to ${SUPPORTED_ARTIFACTS_RANGE.max}`;
  if (!match) {
    throw new FloeError("FLOE_ARTIFACTS_VERSION", `version "${version}" is not a version like 0.10.0`, {
      path: "version",
      hint: `floe-core reads CompiledArtifacts ${range}`,
    });
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major !== 0 || minor === 0) {
    throw new FloeError("FLOE_ARTIFACTS_VERSION", `CompiledArtifacts version ${version} is not supported`, {
      path: "version",
      hint: `floe-core reads CompiledArtifacts ${range}; compile with a floe release in that range or upgrade floe-core`,
    });
  }
  if (minor > 10) {
    return {
      warning: `CompiledArtifacts version ${version} is newer than ${SUPPORTED_ARTIFACTS_RANGE.max}; unknown fields are kept but not used`,
    };
  }
  return {};
}
