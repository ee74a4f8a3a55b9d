/**
 * The rule of the shared backend suites, as pure functions over paths and texts so that it can
 * also be tried on made-up files (shared-suites.test.ts): a shared suite runs once in the
 * cpu+reference process and again in one process per gpujs mode, and only a test registered
 * through `forEachBackend(test, title, body)` runs on the backends of each process. A plain
 * `test(...)` runs on the process's default backend (cpu) every time: it never reaches gpujs,
 * and a backend-independent one runs four times for nothing. So in a shared suite uvu's
 * `test` may only be handed to forEachBackend, or finish the file with `test.run()`.
 * Files are read with the TypeScript parser, so comments and strings are not mistaken for code.
 */
import ts from 'typescript';

export interface SharedSuiteViolation {
  /** 1-based line. */
  readonly line: number;
  /** What was found, as written (cut to one line). */
  readonly code: string;
  readonly why: string;
}

const oneLine = (s: string): string => {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length > 100 ? `${flat.slice(0, 97)}...` : flat;
};

/** The name of the function a call calls, when it is a plain identifier (`forEachBackend(...)`). */
const calleeName = (call: ts.CallExpression): string | undefined => (ts.isIdentifier(call.expression) ? call.expression.text : undefined);

/**
 * Every place where the shared-suite rule is broken in `text`: a use of uvu's `test` (by
 * whatever local name it is imported) other than as the first argument of a `forEachBackend`
 * call (or of another of `registrars`: helpers that register their tests through
 * forEachBackend, checked by `registrarViolations`) or as `test.run()` (so `test(...)`, `test.skip(...)`, `test.only(...)`,
 * `(cond ? test.skip : test)(...)`, or `test` handed to another helper or kept under another
 * name), an import of uvu's `suite` (a second suite would escape the rule), and a namespace or
 * default import of uvu (its uses could not be told apart here).
 */
export function sharedSuiteViolations(text: string, fileName = 'file.test.ts', registrars: readonly string[] = ['forEachBackend']): SharedSuiteViolation[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: SharedSuiteViolation[] = [];
  const lineOf = (node: ts.Node): number => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const report = (node: ts.Node, why: string): void => {
    out.push({ line: lineOf(node), code: oneLine(node.getText(sf)), why });
  };

  // The local names of uvu's `test` (import { test }, import { test as t }).
  const testNames = new Set<string>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== 'uvu') continue;
    const clause = st.importClause;
    if (!clause || clause.isTypeOnly) continue;
    if (clause.name) report(st, "a default import of uvu: import { test } from 'uvu' and register tests with forEachBackend");
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) report(st, "a namespace import of uvu: import { test } from 'uvu' and register tests with forEachBackend");
    if (bindings && ts.isNamedImports(bindings)) {
      for (const el of bindings.elements) {
        if (el.isTypeOnly) continue;
        const imported = (el.propertyName ?? el.name).text;
        if (imported === 'test') testNames.add(el.name.text);
        else if (imported === 'suite') report(el, "uvu's suite() makes tests that forEachBackend does not register: use forEachBackend(test, ...)");
      }
    }
  }

  const allowed = (id: ts.Identifier): boolean => {
    const parent = id.parent;
    // forEachBackend(test, ...)
    if (ts.isCallExpression(parent) && parent.arguments[0] === id && registrars.includes(calleeName(parent) ?? '')) return true;
    // test.run()
    if (ts.isPropertyAccessExpression(parent) && parent.expression === id && parent.name.text === 'run' && ts.isCallExpression(parent.parent) && parent.parent.expression === parent) return true;
    return false;
  };
  /** The call `id` ends up called by, through `.skip` / `.only`, parentheses and `? :` branches. */
  const calledBy = (id: ts.Identifier): ts.CallExpression | undefined => {
    let node: ts.Node = id;
    for (;;) {
      const parent: ts.Node = node.parent;
      if (ts.isPropertyAccessExpression(parent) && parent.expression === node && (parent.name.text === 'skip' || parent.name.text === 'only')) node = parent;
      else if (ts.isParenthesizedExpression(parent)) node = parent;
      else if (ts.isConditionalExpression(parent) && parent.condition !== node) node = parent;
      else if (ts.isCallExpression(parent) && parent.expression === node) return parent;
      else return undefined;
    }
  };

  const seen = new Set<ts.Node>(); // one report per call: (c ? test.skip : test)(...) names test twice
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && testNames.has(node.text) && !ts.isImportSpecifier(node.parent) && !isPropertyName(node) && !allowed(node)) {
      const call = calledBy(node);
      // `{ test }` is reported as the object it builds
      const where = call ?? (ts.isShorthandPropertyAssignment(node.parent) ? node.parent.parent : node.parent);
      if (!seen.has(where)) {
        seen.add(where);
        if (call) report(call, 'a test registered without forEachBackend runs on the default backend in every process: use forEachBackend(test, title, body) (a test that needs no backend belongs in a file outside the shared suites)');
        else report(where, `uvu's test used other than as ${registrars.map((r) => `${r}(test, ...)`).join(', ')} or test.run()`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.sort((a, b) => a.line - b.line);
}

/**
 * A helper that registers tests for a shared suite (`fuzzCases(test, cases)`) keeps the rule
 * when the uvu test it is given (its first parameter) is only handed on as the first argument
 * of `forEachBackend` (or of another of `registrars`). Every function of `text` named `name`
 * (a function declaration or a const arrow function) is checked; none found is a violation too.
 */
export function registrarViolations(text: string, name: string, registrars: readonly string[] = ['forEachBackend'], fileName = 'helper.ts'): SharedSuiteViolation[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: SharedSuiteViolation[] = [];
  const lineOf = (node: ts.Node): number => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const fns: ts.FunctionLikeDeclaration[] = [];
  const find = (node: ts.Node): void => {
    if (ts.isFunctionDeclaration(node) && node.name?.text === name) fns.push(node);
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name && node.initializer && (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))) fns.push(node.initializer);
    ts.forEachChild(node, find);
  };
  find(sf);
  if (fns.length === 0) return [{ line: 1, code: name, why: `no function ${name} in ${fileName}` }];
  for (const fn of fns) {
    const param = fn.parameters[0]?.name;
    if (!param || !ts.isIdentifier(param)) {
      out.push({ line: lineOf(fn), code: oneLine(fn.getText(sf)), why: `${name} takes no uvu test as its first parameter` });
      continue;
    }
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node) && node.text === param.text && node !== param && !isPropertyName(node)) {
        const parent = node.parent;
        const ok = ts.isCallExpression(parent) && parent.arguments[0] === node && registrars.includes(calleeName(parent) ?? '');
        if (!ok) out.push({ line: lineOf(parent), code: oneLine(parent.getText(sf)), why: `${name} uses its test other than as ${registrars.map((r) => `${r}(${param.text}, ...)`).join(', ')}` });
      }
      ts.forEachChild(node, visit);
    };
    if (fn.body) visit(fn.body);
  }
  return out;
}

/** An identifier that is a property name (`x.test`, `{ test: 1 }`), not a use of the binding. */
function isPropertyName(id: ts.Identifier): boolean {
  const p = id.parent;
  return (ts.isPropertyAccessExpression(p) && p.name === id) || (ts.isPropertyAssignment(p) && p.name === id) || (ts.isMethodDeclaration(p) && p.name === id);
}

/** The shared suites among `paths` (relative to test/, as uvu matches them: case-insensitive). */
export function sharedSuites(paths: readonly string[], pattern: string): string[] {
  const re = new RegExp(pattern, 'i');
  return paths.filter((p) => re.test(p));
}
