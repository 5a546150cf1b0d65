import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

/** The error answers every authenticated route shares, for the OpenAPI document. */
export const ERROR_RESPONSES = applyDecorators(
  ApiBadRequestResponse({ description: 'a parameter is invalid; the message names it' }),
  ApiUnauthorizedResponse({ description: 'no API key, or an unknown or revoked one' }),
  ApiForbiddenResponse({ description: "the key's role or tenant scope does not cover this request" }),
);

/** …and those of the per-tenant routes. */
export const TENANT_ERROR_RESPONSES = applyDecorators(
  ERROR_RESPONSES,
  ApiNotFoundResponse({ description: 'the ledger has no entries for this tenant' }),
);
