import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux for x86 and arm). */
const TICKS_PER_SECOND = 100;

export interface ProcStat {
  readonly pid: number;
  readonly comm: string;
  readonly ppid: number;
  /** utime + stime of the process itself, seconds. */
  readonly cpuSeconds: number;
  /** cutime + cstime: CPU of its children that exited and were waited for, seconds. */
  readonly reapedChildrenCpuSeconds: number;
}

/** Parses one /proc/<pid>/stat line (the command may hold spaces and parentheses). */
export function parseStat(line: string): ProcStat {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  const pid = Number(line.slice(0, open).trim());
  const comm = line.slice(open + 1, close);
  // Fields after the command, numbered from 3 (state) as in proc(5).
  const rest = line
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  return {
    pid,
    comm,
    ppid: field(4),
    cpuSeconds: (field(14) + field(15)) / TICKS_PER_SECOND,
    reapedChildrenCpuSeconds: (field(16) + field(17)) / TICKS_PER_SECOND,
  };
}

export function readStat(pid: number): ProcStat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Resident set size of a process in bytes, from /proc/<pid>/status (VmRSS). */
export function rssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function allStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * CPU seconds used so far by a group of processes: a single process, or PostgreSQL as a whole (the
 * postmaster, every live backend and worker, and what exited backends used, which the postmaster
 * collects as its children's time when it reaps them).
 */
export type CpuProbe = () => number;

export function processCpu(pid: number): CpuProbe {
  return () => readStat(pid)?.cpuSeconds ?? Number.NaN;
}

/** The PostgreSQL server on this machine (the postmaster: a `postgres` process whose parent is not one). */
export function postgresCpu(): CpuProbe | undefined {
  const stats = allStats();
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const postmaster = stats.find((s) => s.comm === 'postgres' && byPid.get(s.ppid)?.comm !== 'postgres');
  if (!postmaster) return undefined;
  return () => {
    const now = allStats();
    const own = now.filter((s) => s.ppid === postmaster.pid).reduce((sum, s) => sum + s.cpuSeconds, 0);
    const master = now.find((s) => s.pid === postmaster.pid);
    return own + (master ? master.cpuSeconds + master.reapedChildrenCpuSeconds : Number.NaN);
  };
}

/** The Kafka broker's JVM on this machine (`java … kafka.Kafka …`), if one runs here. */
export function kafkaPid(): number | undefined {
  return allStats().find((s) => s.comm === 'java' && /\bkafka\.Kafka\b/.test(cmdline(s.pid)))?.pid;
}

/** CPU seconds of each named probe between `start()` and the returned function's call. */
export function cpuMeter(probes: Readonly<Record<string, CpuProbe>>): () => Record<string, number> {
  const before = Object.fromEntries(Object.entries(probes).map(([name, probe]) => [name, probe()]));
  return () =>
    Object.fromEntries(
      Object.entries(probes).map(([name, probe]) => [
        name,
        Math.round((probe() - before[name]!) * 1000) / 1000,
      ]),
    );
}

/** Each process's CPU seconds as milliseconds per item (a deal, a document), to `digits` decimals. */
export function cpuMsPer(
  cpuSeconds: Record<string, number>,
  items: number,
  digits: number,
): Record<string, number> {
  const scale = 10 ** digits;
  return Object.fromEntries(
    Object.entries(cpuSeconds).map(([name, seconds]) => [
      name,
      Math.round((seconds * 1000 * scale) / Math.max(1, items)) / scale,
    ]),
  );
}
