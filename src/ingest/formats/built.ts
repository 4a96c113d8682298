/** The adapter of every input format besides auto (which picks among them); both index.ts and auto.ts read this. */
import type { InputFormat } from '../../schema/ingest.ts';
import type { RawRecord } from '../raw-record.ts';
import type { AdaptResult } from './adapt-result.ts';
import { adaptAuth0 } from './auth0.ts';
import { adaptGraph } from './graph.ts';
import { adaptKeycloak } from './keycloak.ts';
import { adaptNative } from './native.ts';
import { adaptOkta } from './okta.ts';
import { adaptOcsf } from './ocsf.ts';

export type Adapter = (rec: Extract<RawRecord, { ok: true }>) => AdaptResult;

export const FORMAT_ADAPTERS: Readonly<Record<Exclude<InputFormat, 'auto'>, Adapter>> = {
  native: adaptNative,
  graph: adaptGraph,
  okta: adaptOkta,
  auth0: adaptAuth0,
  keycloak: adaptKeycloak,
  ocsf: adaptOcsf,
};

