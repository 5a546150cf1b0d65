import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';

const PLAIN_TYPES: unknown[] = [String, Number, Boolean, Array, Object];

export interface ParameterProblem {
  parameter: string;
  in: 'query' | 'path' | 'body';
  problems: string[];
}

/**
 * Validates query and path parameters (and JSON bodies) against their class-validator DTOs. A bad value
 * is a 400 whose message names the parameter (`invalid query parameter limit: …`);
 * an unknown query parameter is refused too, so a typo (`asof=`) is not silently ignored.
 */
@Injectable()
export class ParametersPipe implements PipeTransform {
  async transform(value: unknown, meta: ArgumentMetadata): Promise<unknown> {
    const cls = meta.metatype;
    if (
      (meta.type !== 'query' && meta.type !== 'param' && meta.type !== 'body') ||
      !cls ||
      PLAIN_TYPES.includes(cls)
    )
      return value;
    const instance: object = plainToInstance(cls, value ?? {});
    const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length === 0) return instance;
    const where = meta.type === 'query' ? 'query' : meta.type === 'body' ? 'body' : 'path';
    const problems = errors.map((e: ValidationError): ParameterProblem => ({
      parameter: e.property,
      in: where,
      problems: Object.values(e.constraints ?? {}),
    }));
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: problems
        .map((p) => `invalid ${where} parameter ${p.parameter}: ${p.problems.join('; ')}`)
        .join('; '),
      problems,
    });
  }
}
