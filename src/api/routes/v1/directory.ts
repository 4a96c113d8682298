/** Directory import over HTTP: authlens JSON or Graph list responses (see directory-import.ts). */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { countsOf, readDirectoryImport } from '../../../directory/directory-import.ts';
import { ApiError } from '../../errors.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { TenantParams } from './common.ts';
import { rematchAndStore } from './leaks.ts';

export const ImportSummary = Type.Object({
  detected: Type.Array(Type.String()),
  users: Type.Integer(),
  groups: Type.Integer(),
  applications: Type.Integer(),
  roles: Type.Integer(),
});

export async function directoryRoutes(app: FastifyInstance, { deps, services }: RouteOptionsOf): Promise<void> {
  app.post(
    '/api/v1/tenants/:tenant/directory',
    {
      config: { access: { roles: ['global-admin'] } },
      schema: {
        summary: 'Import the directory snapshot (replaces the parts given)',
        description:
          'Body: authlens directory JSON ({users, groups, applications, roles}, any subset), a Microsoft Graph list response ({"value":[...]}) of users, groups, applications/servicePrincipals or directoryRoles with members, or an array of such responses.',
        tags: ['directory'],
        params: TenantParams,
        body: Type.Unknown({ description: 'authlens directory JSON or Graph list response(s)' }),
        response: { 200: ImportSummary },
      },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      if ((await services.tenants.get(tenant)) === undefined) throw new ApiError(404, 'notFound', `tenant '${tenant}' not found`);
      const r = readDirectoryImport(request.body);
      if (!r.ok) {
        const first = r.problems[0];
        const more = r.problems.length > 1 ? ` (and ${r.problems.length - 1} more)` : '';
        throw new ApiError(400, 'invalidRequest', `${first?.field ?? ''}: ${first?.reason ?? 'invalid'}${more}`);
      }
      await deps.store.control.importDirectory(tenant, r.snapshot);
      // D8: users added by this import are matched against the leak feed stored earlier.
      if (deps.detect !== undefined) await rematchAndStore(deps, tenant);
      return { detected: [...r.detected], ...countsOf(r.snapshot) };
    },
  );
}
