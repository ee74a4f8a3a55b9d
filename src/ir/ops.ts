/**
 * The op vocabulary of the IR, in groups. Each op is declared by one primitive
 * (primitives/index.ts maps every name here to it); passes ask the primitive's traits.
 */
export const LEAF_OPS = ['const', 'scalar', 'input'] as const;
export const UNARY_OPS = [
  'neg', 'abs', 'exp', 'log', 'sqrt', 'sin', 'cos', 'tanh', 'not', 'cast',
  'floor', 'ceil', 'round', 'sign',
] as const;
export const BINARY_OPS = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'mod',
  'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual',
  'logicalAnd', 'logicalOr', 'logicalXor',
] as const;
export const TERNARY_OPS = ['where'] as const;
export const REDUCE_OPS = ['sum', 'max', 'min', 'argmax', 'argmin'] as const;
/** Reductions that give the int32 position of the extreme value, not the value. */
export const ARG_REDUCE_OPS = ['argmax', 'argmin'] as const;
export const CONTRACT_OPS = ['matmul'] as const;
/** Barriers that read operands at data-dependent positions: sparse and JIT products, densify, gather, concat, plasticity, Poisson events, and the transposes gradients use (sampled products, scatter-adds). */
export const STRUCTURED_OPS = ['sparseProduct', 'densify', 'gather', 'concat', 'jitcProduct', 'jitcDensify', 'plasticityUpdate', 'eligibilityUpdate', 'poissonEvents', 'unpackEvents', 'sampledProduct', 'scatterAdd'] as const;
/** Random arrays: element i is a pure function of (seed, counter, i), computed where it is read. */
export const RANDOM_OPS = ['random'] as const;
/**
 * Surrogate spikes: the Heaviside step `v > 0` forward (bool, inline like a comparison), a
 * smooth derivative backward (its VJP rule); see primitives/surrogate.ts.
 */
export const SURROGATE_OPS = ['surrogate'] as const;
/** Views: a new shape over the operand's own buffer (no copy, no stage). */
export const VIEW_OPS = ['reshape'] as const;
/** Prefix scans along an axis: a stage of their own (each output reads its whole prefix). */
export const SCAN_OPS = ['cumsum'] as const;
/** Active index lists of bool values, built by the loops that compute them. */
export const LIST_OPS = ['compactEvents'] as const;

export type LeafOp = (typeof LEAF_OPS)[number];
export type UnaryOp = (typeof UNARY_OPS)[number];
export type BinaryOp = (typeof BINARY_OPS)[number];
export type TernaryOp = (typeof TERNARY_OPS)[number];
export type ReduceOp = (typeof REDUCE_OPS)[number];
export type ContractOp = (typeof CONTRACT_OPS)[number];
export type StructuredOp = (typeof STRUCTURED_OPS)[number];
export type ScanOp = (typeof SCAN_OPS)[number];
export type ArgReduceOp = (typeof ARG_REDUCE_OPS)[number];
export type ListOp = (typeof LIST_OPS)[number];
export type RandomOp = (typeof RANDOM_OPS)[number];
export type ViewOp = (typeof VIEW_OPS)[number];
export type SurrogateOp = (typeof SURROGATE_OPS)[number];
export type ElementwiseOp = UnaryOp | BinaryOp | TernaryOp;
/** Ops run as stages of their own (product stages of a plan). */
export type BarrierOp = ContractOp | StructuredOp | ScanOp;
export type OpName = LeafOp | ElementwiseOp | RandomOp | SurrogateOp | ReduceOp | BarrierOp | ListOp | ViewOp;

const ELEMENTWISE_OPS: readonly ElementwiseOp[] = [...UNARY_OPS, ...BINARY_OPS, ...TERNARY_OPS];
const BARRIER_OPS: readonly BarrierOp[] = [...CONTRACT_OPS, ...STRUCTURED_OPS, ...SCAN_OPS];
export const ALL_OPS: readonly OpName[] = [...LEAF_OPS, ...ELEMENTWISE_OPS, ...RANDOM_OPS, ...SURROGATE_OPS, ...REDUCE_OPS, ...BARRIER_OPS, ...LIST_OPS, ...VIEW_OPS];
