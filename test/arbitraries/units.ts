/**
 * Unit strings for property tests: a pool of real units mathjs parses, each with its SI
 * scale and dimension written out by hand here (an independent check of the parser).
 */
import fc from 'fast-check';

export type Dimension =
  | 'dimensionless' | 'voltage' | 'conductance' | 'current' | 'time' | 'frequency'
  | 'resistance' | 'capacitance' | 'voltage rate';

export interface UnitSpec {
  /** The string handed to ef (mathjs syntax). */
  readonly text: string;
  /** Our grouping: units with one dimension may be added, compared and converted. */
  readonly dimension: Dimension;
  /** The SI value of one of this unit (1 mV = 0.001 V). */
  readonly scale: number;
  /** What `Unit.dimensionName()` should print, where the quantity has a name. */
  readonly name?: string;
  /** How the unit prints, where it differs from `text`. */
  readonly printed?: string;
}

export const UNITS: readonly UnitSpec[] = [
  { text: '1', dimension: 'dimensionless', scale: 1, name: 'dimensionless' },
  { text: 'mV/V', dimension: 'dimensionless', scale: 1e-3, name: 'dimensionless' },
  { text: 'mV', dimension: 'voltage', scale: 1e-3, name: 'voltage' },
  { text: 'V', dimension: 'voltage', scale: 1, name: 'voltage' },
  { text: 'uV', dimension: 'voltage', scale: 1e-6, name: 'voltage' },
  { text: 'nS', dimension: 'conductance', scale: 1e-9, name: 'conductance' },
  { text: 'uS', dimension: 'conductance', scale: 1e-6, name: 'conductance' },
  { text: 'mS', dimension: 'conductance', scale: 1e-3, name: 'conductance' },
  { text: 'pA', dimension: 'current', scale: 1e-12, name: 'current' },
  { text: 'nA', dimension: 'current', scale: 1e-9, name: 'current' },
  { text: 'nS*mV', dimension: 'current', scale: 1e-12, name: 'current', printed: 'nS·mV' },
  { text: 'ms', dimension: 'time', scale: 1e-3, name: 'time' },
  { text: 's', dimension: 'time', scale: 1, name: 'time' },
  { text: 'Hz', dimension: 'frequency', scale: 1, name: 'frequency' },
  { text: 'kHz', dimension: 'frequency', scale: 1e3, name: 'frequency' },
  { text: 'ohm', dimension: 'resistance', scale: 1, name: 'resistance' },
  { text: 'Mohm', dimension: 'resistance', scale: 1e6, name: 'resistance' },
  { text: 'pF', dimension: 'capacitance', scale: 1e-12, name: 'capacitance' },
  { text: 'nF', dimension: 'capacitance', scale: 1e-9, name: 'capacitance' },
  { text: 'mV/ms', dimension: 'voltage rate', scale: 1 },
  { text: 'V/s', dimension: 'voltage rate', scale: 1 },
];

export const DIMENSIONS: readonly Dimension[] = [...new Set(UNITS.map((u) => u.dimension))];

export const unitsOf = (d: Dimension): UnitSpec[] => UNITS.filter((u) => u.dimension === d);
export const specOf = (text: string): UnitSpec => {
  const s = UNITS.find((u) => u.text === text);
  if (!s) throw new Error(`no UnitSpec for '${text}'`);
  return s;
};

/** Any unit of the pool, with its spec. */
export const unitSpec: fc.Arbitrary<UnitSpec> = fc.constantFrom(...UNITS);
/** Any unit string of the pool. */
export const unitString: fc.Arbitrary<string> = unitSpec.map((u) => u.text);
/** Units with a dimension (not dimensionless). */
export const dimensionedUnit: fc.Arbitrary<UnitSpec> = fc.constantFrom(...UNITS.filter((u) => u.dimension !== 'dimensionless'));
export const dimension: fc.Arbitrary<Dimension> = fc.constantFrom(...DIMENSIONS);

/** A unit string of the given dimension. */
export function unitOfDimension(d: Dimension): fc.Arbitrary<string> {
  return fc.constantFrom(...unitsOf(d).map((u) => u.text));
}

/** Two units of one dimension (possibly different scales, possibly the same unit). */
export const sameDimensionPair: fc.Arbitrary<[UnitSpec, UnitSpec]> = dimension.chain((d) =>
  fc.tuple(fc.constantFrom(...unitsOf(d)), fc.constantFrom(...unitsOf(d))),
);

/** Two units of different dimensions. */
export const differentDimensionPair: fc.Arbitrary<[UnitSpec, UnitSpec]> = fc
  .tuple(unitSpec, unitSpec)
  .filter(([a, b]) => a.dimension !== b.dimension);
