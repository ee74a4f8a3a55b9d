/** Every op name of the IR, in groups that the passes and backends switch on. */
export const LEAF_OPS = ['const', 'scalar', 'input'] as const;
export const UNARY_OPS = ['neg', 'abs', 'exp', 'log', 'sqrt', 'sin', 'cos', 'tanh', 'not', 'cast'] as const;
export const BINARY_OPS = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum',
  'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual',
] as const;
export const TERNARY_OPS = ['where'] as const;
export const REDUCE_OPS = ['sum', 'max', 'min'] as const;
export const CONTRACT_OPS = ['matmul'] as const;
/** Ops that read operands at data-dependent positions: sparse and JIT products, densify, gather, event compaction. */
export const STRUCTURED_OPS = ['sparseProduct', 'densify', 'gather', 'compactEvents', 'jitcProduct', 'jitcDensify', 'plasticityUpdate'] as const;

export type LeafOp = (typeof LEAF_OPS)[number];
export type UnaryOp = (typeof UNARY_OPS)[number];
export type BinaryOp = (typeof BINARY_OPS)[number];
export type TernaryOp = (typeof TERNARY_OPS)[number];
export type ReduceOp = (typeof REDUCE_OPS)[number];
export type ContractOp = (typeof CONTRACT_OPS)[number];
export type StructuredOp = (typeof STRUCTURED_OPS)[number];
export type ElementwiseOp = UnaryOp | BinaryOp | TernaryOp;
export type OpName = LeafOp | ElementwiseOp | ReduceOp | ContractOp | StructuredOp;

export type OpGroup = 'leaf' | 'elementwise' | 'reduce' | 'contract' | 'structured';

const GROUP = new Map<OpName, OpGroup>([
  ...LEAF_OPS.map((o) => [o, 'leaf'] as const),
  ...[...UNARY_OPS, ...BINARY_OPS, ...TERNARY_OPS].map((o) => [o, 'elementwise'] as const),
  ...REDUCE_OPS.map((o) => [o, 'reduce'] as const),
  ...CONTRACT_OPS.map((o) => [o, 'contract'] as const),
  ...STRUCTURED_OPS.map((o) => [o, 'structured'] as const),
]);

export const groupOf = (op: OpName): OpGroup => GROUP.get(op)!;
export const isElementwise = (op: OpName): op is ElementwiseOp => GROUP.get(op) === 'elementwise';
export const isReduce = (op: OpName): op is ReduceOp => GROUP.get(op) === 'reduce';
export const COMPARISON_OPS: readonly BinaryOp[] = ['greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual'];
