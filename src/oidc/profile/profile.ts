import type Provider from 'oidc-provider';
import type { ClientMetadata, Configuration } from 'oidc-provider';
import type { ProfileSettings } from '../../profile-config.ts';
import type { PrivateJwks } from '../keys.ts';
import { resourceIndicators } from './resource-servers.ts';
import { nlgovProfile } from './nlgov.ts';

/**
 * An OpenID Connect profile the provider follows (OIDC_PROFILE): what it
 * changes in the provider's configuration, and what it does once the provider
 * exists. The standard profile is the service as it always was.
 */
export interface OidcProfile {
  /** Whether the provider decrypts (request objects encrypted to it): then its `enc` keys are published in /jwks. */
  decrypts: boolean;
  /** How long discovery and /jwks may be cached, in seconds. */
  metadataMaxAge: number;
  /** The configuration, over the protocol settings and the deployment's (provider.ts). */
  configure(base: Configuration): Configuration;
  /** Library hooks, and the start-up check of every registration; throws ConfigError naming what is wrong. */
  install(provider: Provider, setup: { clients: ClientMetadata[]; jwks: PrivateJwks; production: boolean }): Promise<void>;
}

function standardProfile(settings: ProfileSettings): OidcProfile {
  const resources = resourceIndicators(settings.resourceServers);
  return {
    decrypts: false,
    metadataMaxAge: 5 * 60,
    configure: (base) => ({ ...base, ...resources, features: { ...base.features, ...resources.features } }),
    install: async () => {},
  };
}

/** The one place the profile is chosen. */
export function profileFor(settings: ProfileSettings): OidcProfile {
  return settings.nlgov ? nlgovProfile(settings, settings.nlgov) : standardProfile(settings);
}
