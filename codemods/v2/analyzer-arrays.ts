/**
 * The analysis of values kept as array elements (arrays.ts): an array literal that holds a
 * followed value, the bindings that read its elements, and the parameters that receive such
 * an array from other modules.
 */
import { resolveExport } from "../lib/bindings.js";
import { climbWrappers, type N, type P } from "../lib/ast.js";
import { classifyUse, holderOf, stmtOf, type Holder, type Obj, NO_HOLDER } from "./objects.js";
import { ELEMENTS, arrayUses, elementTypeRefs } from "./arrays.js";
import { aliasPackageRefs } from "./alias-refs.js";
import { fnIdOf, functionPaths, isModuleLevel } from "./analyzer-util.js";
import { AnalyzerBase } from "./analyzer-base.js";

export abstract class ArraysAnalyzer extends AnalyzerBase {
  /** `[client]`: an array literal given to a project function, or kept in a variable, holds the value. */
  protected arrayStore(obj: Obj, listPath: P): boolean {
    const p = climbWrappers(listPath);
    const use = classifyUse(p);
    if (use.type === "arg") return this.projectArg(obj, use, ELEMENTS);
    const held = p.parent?.node.type === "VariableDeclarator" ? holderOf(this.state, p) : null;
    if (!held || "reason" in held || held.holder.type !== "binding") return false;
    // an exported array is read in modules that do not know it holds clients
    if (held.declStmt?.node.type === "ExportNamedDeclaration") return false;
    if (held.holder.declPath && isModuleLevel(held.holder.declPath)) {
      const id = this.ctx.view?.local(held.holder.name);
      if (id) this.port(obj, `${id}${ELEMENTS}`);
    }
    this.followArray(obj, held.holder);
    return true;
  }

  /** The elements of the array `holder` holds are `element` (arrays.ts): each binding that reads one is followed. */
  protected followArray(element: Obj, holder: Holder): void {
    const group = element.group;
    const decl = holder.declPath?.node;
    const annId = decl?.type === "VariableDeclarator" ? decl.id : decl;
    const annPath = annId?.typeAnnotation
      ? (decl?.type === "VariableDeclarator" ? holder.declPath!.get("id") : holder.declPath!).get("typeAnnotation", "typeAnnotation")
      : null;
    const elementRefs = elementTypeRefs(annPath);
    for (const r of [...elementRefs]) elementRefs.push(...aliasPackageRefs(this.ctx, this.state.info, r));
    for (const r of elementRefs) {
      if (!resolveExport(this.state.info, r.get("typeName"))) continue;
      group.v1Refs.push(r.node.typeName, r.node.typeName.left ?? r.node.typeName);
      this.typeEdit(element, r);
    }
    for (const u of arrayUses(this.state, holder)) {
      if (u.type === "neutral") continue;
      if (u.type === "element") {
        const e: Obj = { ...element, label: u.holder.name, holder: u.holder, origin: null, ids: [] };
        this.annotation(e);
        this.analyze(e);
      } else if (u.type === "arg") {
        if (!this.projectArg(element, u.use, ELEMENTS))
          group.block(
            stmtOf(u.use.callPath),
            `the array ${holder.name} holds a ${element.kind} and is passed to a function the codemod cannot follow; migrate them together by hand`,
          );
      } else
        group.block(
          stmtOf(u.path),
          `the array ${holder.name} holds a ${element.kind} and ${u.what}, so the codemod cannot see every use of its elements; read them with .map()/.forEach() or for...of`,
        );
    }
  }

  /** Parameters that receive arrays of values from their callers (`Manager(0)[]`). */
  protected arrayRoots(): void {
    const view = this.ctx.view!;
    for (const fn of functionPaths(this.ctx)) {
      const fid = fnIdOf(this.ctx, fn);
      if (!fid) continue;
      (fn.node.params as N[]).forEach((param, i) => {
        const fact = view.fact(`${fid}(${i})${ELEMENTS}`);
        const declId = param.type === "Identifier" ? param : param.type === "AssignmentPattern" && param.left.type === "Identifier" ? param.left : null;
        if (!fact || !declId) return;
        const declPath: P = param.type === "Identifier" ? fn.get("params", i) : fn.get("params", i, "left");
        const group = this.state.group(`${declId.name}[]`);
        group.anchor = stmtOf(fn);
        group.addId(`${fid}(${i})${ELEMENTS}`);
        const element: Obj = { ...fact, group, label: `${declId.name}[]`, holder: NO_HOLDER, origin: null };
        this.followArray(element, { type: "binding", name: declId.name, declId, declPath });
      });
    }
  }
}
