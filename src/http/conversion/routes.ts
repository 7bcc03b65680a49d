import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRoutes } from '../auth.js';
import { invalid, notFound } from '../../services/errors.js';
import {
  listFunctions,
  OPERATORS,
  renderCreated,
  renderMapping,
  renderMappingSet,
  validateExpression,
  type DataPrepService,
} from '../../services/data-prep/index.js';
import { Type } from '@sinclair/typebox';
import { AnyObject, documenter, IdParams, ParamsOf } from '../schemas.js';
import {
  ConversionErrors,
  CreatedMappingSet,
  ExpressionInput,
  InvalidExpression,
  ListQuery,
  Mapping,
  MappingSet,
  MappingSetInput,
  MappingSetPage,
  Preview,
  PreviewInput,
  ReadQuery,
  Validation,
} from './schemas.js';

/**
 * Data Prep routes (mounted under `/data/foundation/conversion`). Lists use Data Prep's
 * `{data, _page: {limit, count}, _links}` page; times are epoch milliseconds.
 */

type Query = Record<string, string | string[] | undefined>;

function param(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Query)[name];
  return Array.isArray(value) ? value[0] : value;
}

function integerParam(request: FastifyRequest, name: string): number | undefined {
  const text = param(request, name);
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw invalid(`"${name}" must be a non-negative integer`);
  return Number(text);
}

export function conversionRoutes(dataPrep: DataPrepService): AuthenticatedRoutes {
  return async (app) => {
    const doc = documenter(ConversionErrors);
    app.post('/mappingSets', doc('Create a mapping set', { body: MappingSetInput, response: { 200: CreatedMappingSet } }), async (request) =>
      renderCreated(await dataPrep.createMappingSet(request.scope, request.body)),
    );

    app.get('/mappingSets', doc('List mapping sets', { querystring: ListQuery, response: { 200: MappingSetPage } }), async (request) => {
      const name = param(request, 'name');
      const orderBy = param(request, 'orderBy');
      const start = integerParam(request, 'start');
      const limit = integerParam(request, 'limit');
      const page = await dataPrep.listMappingSets(request.scope, {
        ...(start !== undefined ? { start } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(name ? { name } : {}),
        ...(orderBy ? { orderBy } : {}),
      });
      const base = `${app.prefix}/mappingSets`;
      const keep = [name ? `name=${encodeURIComponent(name)}` : '', orderBy ? `orderBy=${encodeURIComponent(orderBy)}` : '']
        .filter(Boolean)
        .map((p) => `&${p}`)
        .join('');
      const hasNext = page.start + page.records.length < page.total;
      return {
        data: page.records.map(renderMappingSet),
        _page: { limit: page.limit, count: page.records.length },
        _links: {
          ...(hasNext ? { next: { href: `${base}?start=${page.start + page.limit}&limit=${page.limit}${keep}` } } : {}),
          page: { href: `${base}?start={start}&limit={limit}${keep}`, templated: true },
        },
      };
    });

    app.get<{ Params: { id: string } }>(
      '/mappingSets/:id',
      doc('Retrieve a mapping set', { params: IdParams, querystring: ReadQuery, response: { 200: MappingSet } }),
      async (request) => {
        const set = await dataPrep.getMappingSet(request.scope, request.params.id, integerParam(request, 'version'));
        const rendered = renderMappingSet(set);
        if (param(request, 'expandSchema') !== 'true') return rendered;
        const jsonSchema = await dataPrep.expandedSchema(request.scope, set);
        return { ...rendered, outputSchema: { ...(rendered.outputSchema as Record<string, unknown>), ...(jsonSchema ? { jsonSchema } : {}) } };
      },
    );

    app.post(
      '/mappingSets/validate',
      doc('Validate a mapping set against its target schema', { body: MappingSetInput, response: { 200: Validation } }),
      async (request) => ({ validationResponse: await dataPrep.validateMappingSet(request.scope, request.body) }),
    );

    app.post(
      '/mappingSets/preview',
      doc('Map sample rows with a mapping set', { body: PreviewInput, response: { 200: Preview } }),
      async (request) => {
        const preview = await dataPrep.previewMappingSet(request.scope, request.body);
        return {
          data: preview.rows,
          errors: preview.errors.map((e) => {
            const mapping = preview.mappings.find((m) => m.destination === e.field);
            return {
              row: e.row,
              code: e.code,
              destination: e.field ?? null,
              exception: e.message,
              ...(mapping ? { source: mapping.source, sourceType: mapping.sourceType } : {}),
            };
          }),
        };
      },
    );

    app.get('/languages/el/functions', doc('The functions of the expression language', { response: { 200: Type.Array(AnyObject) } }), async () =>
      listFunctions(),
    );
    app.get(
      '/languages/el/operators',
      doc('The operators of the expression language', { response: { 200: Type.Array(AnyObject) } }),
      async () => OPERATORS,
    );
    app.post(
      '/languages/el/validate',
      doc('Check an expression', {
        body: ExpressionInput,
        response: { 200: Type.Boolean(), 400: Type.Union([InvalidExpression, ConversionErrors[400]]) },
      }),
      async (request, reply) => {
        const body = request.body as { expression?: unknown } | null;
        // The spec's example nests the expression once more: {"expression": {"expression": "…"}}.
        const raw = body?.expression;
        const expression = typeof raw === 'object' && raw !== null ? (raw as { expression?: unknown }).expression : raw;
        if (typeof expression !== 'string' || expression.trim() === '') throw invalid('"expression" must be a non-empty string');
        const result = validateExpression(expression);
        if (!result.valid)
          return reply.code(400).send({ type: 'invalid-expression', title: 'Invalid expression', status: 400, detail: result.message, valid: false });
        return true;
      },
    );

    app.put<{ Params: { id: string } }>(
      '/mappingSets/:id',
      doc('Replace a mapping set (a new version)', { params: IdParams, body: MappingSetInput, response: { 200: MappingSet } }),
      async (request) => renderMappingSet(await dataPrep.updateMappingSet(request.scope, request.params.id, request.body)),
    );

    app.get<{ Params: { id: string } }>(
      '/mappingSets/:id/mappings',
      doc('The mappings of a mapping set', { params: IdParams, querystring: ReadQuery, response: { 200: Type.Array(Mapping) } }),
      async (request) => {
        const set = await dataPrep.getMappingSet(request.scope, request.params.id, integerParam(request, 'version'));
        return set.doc.mappings.map((m) => renderMapping(set, m));
      },
    );

    app.get<{ Params: { id: string; mappingId: string } }>(
      '/mappingSets/:id/mappings/:mappingId',
      doc('One mapping of a mapping set', { params: ParamsOf('id', 'mappingId'), querystring: ReadQuery, response: { 200: Mapping } }),
      async (request) => {
        const set = await dataPrep.getMappingSet(request.scope, request.params.id, integerParam(request, 'version'));
        const mapping = set.doc.mappings.find((m) => m.id === request.params.mappingId);
        if (!mapping) throw notFound(`mapping ${request.params.mappingId} is not part of mapping set ${set.id}`);
        return renderMapping(set, mapping);
      },
    );
  };
}
