/**
 * mathjs's `Unit` class, from a mathjs instance holding only that class and what it needs,
 * built on first use.
 *
 * Why not `import { Unit } from 'mathjs'`: that entry point builds mathjs's whole default
 * instance (hundreds of typed functions), about 0.75 s of every start-up. Here `create` gets
 * just the factories behind mathjs's own `UnitDependencies`, so parsing, printing and the
 * dimension algebra are still mathjs's, for about 0.1 s, paid on the first unit parsed rather
 * than on import (importing eventfuse, or `eventfuse --help`, pays nothing).
 *
 * Why require() and the CommonJS build: mathjs's package exports hide the per-factory modules,
 * so they are loaded by path under mathjs's lib/cjs/; a synchronous load keeps `Unit.parse`
 * synchronous (and measured about twice as fast as importing the same ES modules).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A base unit of mathjs: its exponents of the base dimensions. */
export interface MathBaseUnit {
  readonly dimensions: readonly number[];
}

/** One factor of a parsed mathjs unit: `m` (prefix) `V` (unit) to the power 1. */
export interface MathUnitPart {
  /** value: the unit's SI value, a number, or a Fraction (Rankine is 5/9 K). */
  readonly unit: { readonly name: string; readonly offset: number; readonly value: number | MathFraction };
  /** value: the prefix's factor (m: 0.001, Ki: 1024). */
  readonly prefix: { readonly name: string; readonly value: number };
  readonly power: number;
}

/** mathjs's Fraction, as far as eventfuse reads it: sign, numerator and denominator. */
export interface MathFraction {
  readonly s: bigint | number;
  readonly n: bigint | number;
  readonly d: bigint | number;
}

/** The parts of a mathjs Unit value that eventfuse reads. */
export interface MathUnit {
  /** The value in SI (new Unit(1, 'mV').value is 0.001); null for a unit parsed without a number. */
  readonly value: number | null;
  readonly dimensions: readonly number[];
  readonly units: readonly MathUnitPart[];
}

/** The parts of mathjs's Unit class that eventfuse uses. */
export interface MathUnitClass {
  new (value: number, unit: string): MathUnit;
  parse(text: string): MathUnit;
  /** Names of the base dimensions, in order (MASS, LENGTH, TIME, CURRENT, ...). */
  readonly BASE_DIMENSIONS: readonly string[];
  /** The named quantities (ELECTRIC_POTENTIAL, TIME, ...), by name. */
  readonly BASE_UNITS: Readonly<Record<string, MathBaseUnit>>;
}

/**
 * Each factory mathjs's `UnitDependencies` names, transitively, and its module under lib/cjs/.
 * test/units/mathjs.test.ts checks this list against mathjs's own, so a mathjs release that
 * changes what Unit needs fails there (and `create` names any missing factory).
 */
export const UNIT_FACTORIES: Readonly<Record<string, string>> = {
  createUnitClass: 'type/unit/Unit.js',
  createTyped: 'core/function/typed.js',
  createBigNumberClass: 'type/bignumber/BigNumber.js',
  createComplexClass: 'type/complex/Complex.js',
  createFractionClass: 'type/fraction/Fraction.js',
  createMatrixClass: 'type/matrix/Matrix.js',
  createDenseMatrixClass: 'type/matrix/DenseMatrix.js',
  createSparseMatrixClass: 'type/matrix/SparseMatrix.js',
  createBignumber: 'type/bignumber/function/bignumber.js',
  createFraction: 'type/fraction/function/fraction.js',
  createNumber: 'type/number.js',
  createMatrix: 'type/matrix/function/matrix.js',
  createAbs: 'function/arithmetic/abs.js',
  createAddScalar: 'function/arithmetic/addScalar.js',
  createSubtractScalar: 'function/arithmetic/subtractScalar.js',
  createMultiplyScalar: 'function/arithmetic/multiplyScalar.js',
  createDivideScalar: 'function/arithmetic/divideScalar.js',
  createMultiply: 'function/arithmetic/multiply.js',
  createUnaryMinus: 'function/arithmetic/unaryMinus.js',
  createPow: 'function/arithmetic/pow.js',
  createRound: 'function/arithmetic/round.js',
  createCeil: 'function/arithmetic/ceil.js',
  createFloor: 'function/arithmetic/floor.js',
  createFix: 'function/arithmetic/fix.js',
  createConj: 'function/complex/conj.js',
  createEqual: 'function/relational/equal.js',
  createEqualScalar: 'function/relational/equalScalar.js',
  createFormat: 'function/string/format.js',
  createIsNumeric: 'function/utils/isNumeric.js',
  createIsZero: 'function/utils/isZero.js',
  createNumeric: 'function/utils/numeric.js',
  createZeros: 'function/matrix/zeros.js',
  createIdentity: 'function/matrix/identity.js',
  createSize: 'function/matrix/size.js',
  createDot: 'function/matrix/dot.js',
  createDet: 'function/matrix/det.js',
  createInv: 'function/matrix/inv.js',
};

let unitClass: MathUnitClass | undefined;

/** mathjs's Unit class, built on the first call (about 0.1 s) with mathjs's default configuration. */
export function mathUnitClass(): MathUnitClass {
  if (unitClass) return unitClass;
  const require = createRequire(import.meta.url);
  // package.json is the one file mathjs exports by path; its lib/cjs/ holds the factories.
  const lib = join(dirname(require.resolve('mathjs/package.json')), 'lib', 'cjs');
  const load = (file: string): Record<string, unknown> => require(join(lib, file)) as Record<string, unknown>;
  const factories = Object.fromEntries(Object.entries(UNIT_FACTORIES).map(([name, file]) => [name, load(file)[name]]));
  const { create } = load('core/create.js') as { create: (factories: Record<string, unknown>) => { Unit: unknown } };
  unitClass = create(factories).Unit as MathUnitClass;
  return unitClass;
}
