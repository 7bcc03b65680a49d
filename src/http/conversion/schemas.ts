/** Data Prep's shapes (Adobe's data-prep spec: MappingSet, Mapping); times are epoch milliseconds. */
import { type Static, Type } from '@sinclair/typebox';
import { AnyObject, AnyValue, DataPage, errorResponses, Input, Nullable, Open, PlatformError, QueryOf } from '../schemas.js';

const audit = {
  createdDate: Type.Integer(),
  modifiedDate: Type.Integer(),
  createdBy: Type.String(),
  modifiedBy: Type.String(),
};

export const Mapping = Open({
  id: Type.String(),
  version: Type.Integer(),
  ...audit,
  sourceType: Type.String({ enum: ['ATTRIBUTE', 'EXPRESSION', 'STATIC'] }),
  source: Type.String(),
  destination: Type.String(),
  name: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  identity: Type.Optional(Type.Boolean()),
  primaryIdentity: Type.Optional(Type.Boolean()),
  identityGroup: Type.Optional(Nullable(Type.String())),
  namespaceCode: Type.Optional(Nullable(Type.String())),
  sourceAttribute: Type.String(),
  destinationXdmPath: Type.String(),
});
export type Mapping = Static<typeof Mapping>;

export const MappingSet = Open({
  id: Type.String(),
  version: Type.Integer(),
  status: Type.String(),
  name: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  xdmSchema: Type.String(),
  xdmVersion: Type.Optional(Type.String()),
  schemaRef: Type.Optional(AnyObject),
  outputSchema: AnyObject,
  inputSchema: Type.Optional(AnyObject),
  allowNullValues: Type.Optional(Type.Boolean()),
  strictMapping: Type.Optional(Type.Boolean()),
  mappings: Type.Array(Mapping),
  ...audit,
});
export type MappingSet = Static<typeof MappingSet>;

export const CreatedMappingSet = Open({ id: Type.String(), version: Type.Integer(), ...audit });
export type CreatedMappingSet = Static<typeof CreatedMappingSet>;

export const MappingSetPage = DataPage(MappingSet);

export const MappingSetInput = Input({
  name: Type.String(),
  description: Type.String(),
  version: Type.Union([Type.Integer(), Type.String()]),
  xdmSchema: Type.String(),
  xdmVersion: Type.String(),
  outputSchema: AnyObject,
  inputSchema: AnyObject,
  mappings: Type.Array(AnyObject),
});

export const PreviewInput = Input({ mappingSet: AnyObject, data: Type.Array(AnyObject) });
export const Preview = Open({
  data: Type.Array(AnyObject),
  errors: Type.Array(Open({ row: Type.Integer(), code: Type.String(), destination: Nullable(Type.String()), exception: Type.String() })),
});

export const Validation = Open({ validationResponse: Type.Array(AnyObject) });

export const ExpressionInput = Input({ expression: AnyValue });
/** The verdict on an invalid expression (a 400 in Data Prep's own words, with `valid: false`). */
export const InvalidExpression = Open({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  valid: Type.Boolean(),
});

export const ListQuery = QueryOf({ start: Type.String(), limit: Type.String(), name: Type.String(), orderBy: Type.String() });
export const ReadQuery = QueryOf({ version: Type.String(), expandSchema: Type.String() });

export const ConversionErrors = errorResponses(PlatformError);
