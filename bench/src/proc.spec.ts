import { parseStat, readStat } from './proc';

describe('parseStat', () => {
  it('reads the times after a command that holds spaces and parentheses', () => {
    // proc(5): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
    const line = '4242 (node (o2c) x) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 50 30 20 20 0 11 0 100 0 0';
    expect(parseStat(line)).toEqual({
      pid: 4242,
      comm: 'node (o2c) x',
      ppid: 17,
      cpuSeconds: 3,
      reapedChildrenCpuSeconds: 0.5,
    });
  });

  it('reads this very process', () => {
    const self = readStat(process.pid);
    expect(self?.pid).toBe(process.pid);
    expect(self?.ppid).toBe(process.ppid);
    expect(self?.cpuSeconds).toBeGreaterThan(0);
  });
});
