// A two-way index: each member (an object key) belongs to at most one group, and a group lists its members.
// Used to find the ExternalSecrets writing one Secret, and the children of one ClusterExternalSecret.

export class GroupIndex {
  readonly #members = new Map<string, Set<string>>();
  readonly #groupOf = new Map<string, string>();

  /** Puts `member` in `group` (out of its previous one); undefined takes it out of any group. */
  set(member: string, group: string | undefined): void {
    this.remove(member);
    if (group === undefined) return;
    this.#groupOf.set(member, group);
    let members = this.#members.get(group);
    if (!members) this.#members.set(group, (members = new Set()));
    members.add(member);
  }

  remove(member: string): void {
    const group = this.#groupOf.get(member);
    if (group === undefined) return;
    this.#groupOf.delete(member);
    const members = this.#members.get(group);
    members?.delete(member);
    if (members?.size === 0) this.#members.delete(group);
  }

  membersOf(group: string): string[] {
    return [...(this.#members.get(group) ?? [])];
  }
}
