import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  describeStatus,
  expandJobId,
  expandTaskRange,
  parseExitCode,
  parseSacct,
  parseSbatchOutput,
  parseScontrolRecords,
  parseScontrolShowJob,
  parseSqueue,
  phaseOfSlurmState,
} from '../../src/jobs/slurm-parse.js';
import { JobError } from '../../src/errors.js';

const sample = (name: string) => readFileSync(new URL(`./fixtures/slurm/${name}`, import.meta.url), 'utf8');
const byId = <T extends { id: string }>(list: T[]) => new Map(list.map((s) => [s.id, s]));

describe('sbatch output', () => {
  it('reads --parsable ids with and without cluster, and the plain sentence', () => {
    expect(parseSbatchOutput('1234\n')).toBe('1234');
    expect(parseSbatchOutput('1234;s3df\n')).toBe('1234');
    expect(parseSbatchOutput('Submitted batch job 98765\n')).toBe('98765');
  });
  it('rejects anything else with what was found', () => {
    expect(() => parseSbatchOutput('sbatch: error: invalid partition')).toThrow(JobError);
    expect(() => parseSbatchOutput('')).toThrow(/expected a job id/);
  });
});

describe('ids and ranges', () => {
  it('expands array task lists as SLURM prints them', () => {
    expect(expandTaskRange('0-3')).toEqual([0, 1, 2, 3]);
    expect(expandTaskRange('[1,4-5]')).toEqual([1, 4, 5]);
    expect(expandTaskRange('0-9%2')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(expandTaskRange('0-6:3')).toEqual([0, 3, 6]);
    expect(expandJobId('12_[2-3]')).toEqual(['12_2', '12_3']);
    expect(expandJobId('12_7')).toEqual(['12_7']);
    expect(expandJobId('15')).toEqual(['15']);
  });
  it('splits ExitCode into exit code and signal', () => {
    expect(parseExitCode('3:0')).toEqual({ exitCode: 3, signal: 0 });
    expect(parseExitCode('0:15')).toEqual({ exitCode: 0, signal: 15 });
    expect(parseExitCode('')).toEqual({});
  });
});

describe('squeue', () => {
  it('parses the captured squeue -r -t all output', () => {
    const s = byId(parseSqueue(sample('squeue-all.txt')));
    expect(s.size).toBe(9);
    expect(s.get('1_1')).toMatchObject({ state: 'FAILED', reason: 'NonZeroExitCode', source: 'squeue' });
    expect(s.get('5')).toMatchObject({ state: 'CANCELLED', reason: 'DependencyNeverSatisfied', timeLimit: 'UNLIMITED' });
    expect(s.get('6')).toMatchObject({ state: 'TIMEOUT', timeLimit: '1:00' });
  });
  it('expands a bracketed pending array (squeue without -r)', () => {
    const s = parseSqueue('4_[2-3]|PENDING|Resources|1:00\n4_0|RUNNING|None|1:00\n');
    expect(s.map((x) => x.id)).toEqual(['4_2', '4_3', '4_0']);
    expect(s[0].state).toBe('PENDING');
  });
});

describe('scontrol show job', () => {
  it('parses the multi-line form of an array with one failed task', () => {
    const recs = parseScontrolRecords(sample('scontrol-show-job-array-failed.txt'));
    expect(recs).toHaveLength(3);
    expect(recs[0]['AllocNode:Sid']).toBe('localhost:3013');
    const s = byId(parseScontrolShowJob(sample('scontrol-show-job-array-failed.txt')));
    expect(s.get('1_1')).toMatchObject({ state: 'FAILED', exitCode: 3, signal: 0, reason: 'NonZeroExitCode' });
    expect(s.get('1_0')).toMatchObject({ state: 'COMPLETED', exitCode: 0 });
    expect(s.get('1_2')?.state).toBe('COMPLETED');
  });
  it('parses the one-line form, expanding a pending task range', () => {
    const s = byId(parseScontrolShowJob(sample('scontrol-o-array-cancelled.txt')));
    expect([...s.keys()].sort()).toEqual(['4_0', '4_1', '4_2', '4_3']);
    expect(s.get('4_0')).toMatchObject({ state: 'CANCELLED', exitCode: 0, signal: 15 });
    expect(s.get('4_3')?.state).toBe('CANCELLED');
  });
  it('reads a time-out and a dependency that can never be satisfied', () => {
    const [t] = parseScontrolShowJob(sample('scontrol-o-timeout.txt'));
    expect(t).toMatchObject({ id: '6', state: 'TIMEOUT', reason: 'TimeLimit', timeLimit: '00:01:00', signal: 15 });
    expect(describeStatus(t)).toBe('time limit exceeded (limit 00:01:00)');
    const [d] = parseScontrolShowJob(sample('scontrol-show-job-dependency.txt'));
    expect(d).toMatchObject({ id: '5', state: 'CANCELLED', reason: 'DependencyNeverSatisfied' });
    expect(describeStatus(d)).toMatch(/not run: a piece it depends on failed/);
  });
  it('keeps values that contain spaces', () => {
    const [r] = parseScontrolRecords('JobId=7 JobName=x Command=/data/my dir/job.sh WorkDir=/tmp\n');
    expect(r.Command).toBe('/data/my dir/job.sh');
    expect(r.WorkDir).toBe('/tmp');
  });
});

describe('sacct', () => {
  const text = [
    '123_0|COMPLETED|0:0|01:00:00',
    '123_1|FAILED|3:0|01:00:00',
    '123_2|CANCELLED by 12345|0:15|01:00:00',
    '123_[3-4]|PENDING|0:0|01:00:00',
    '123_0.batch|COMPLETED|0:0|',
    '124|TIMEOUT|0:0|00:01:00',
    '125|OUT_OF_MEMORY|0:125|',
    '126|NODE_FAIL|0:0|01:00:00',
  ].join('\n');
  it('parses -P output, splitting "CANCELLED by uid" and skipping steps', () => {
    const s = byId(parseSacct(text));
    expect([...s.keys()]).toEqual(['123_0', '123_1', '123_2', '123_3', '123_4', '124', '125', '126']);
    expect(s.get('123_1')).toMatchObject({ state: 'FAILED', exitCode: 3, source: 'sacct' });
    expect(s.get('123_2')).toMatchObject({ state: 'CANCELLED', reason: 'by 12345', signal: 15 });
    expect(describeStatus(s.get('123_1')!)).toBe('exit code 3');
    expect(describeStatus(s.get('123_2')!)).toBe('cancelled (by 12345)');
    expect(describeStatus(s.get('124')!)).toBe('time limit exceeded (limit 00:01:00)');
    expect(describeStatus(s.get('125')!, { mem: '4G' })).toBe('out of memory (--mem=4G)');
    expect(describeStatus(s.get('126')!)).toBe('node failure');
    expect(describeStatus(s.get('123_0')!)).toBeUndefined();
  });
});

describe('states', () => {
  it('maps long and short state names to phases', () => {
    expect(['PENDING', 'PD', 'CONFIGURING', 'REQUEUED'].map(phaseOfSlurmState)).toEqual(Array(4).fill('pending'));
    expect(['RUNNING', 'R', 'COMPLETING', 'CG'].map(phaseOfSlurmState)).toEqual(Array(4).fill('running'));
    expect(['COMPLETED', 'CD'].map(phaseOfSlurmState)).toEqual(['completed', 'completed']);
    expect(['CANCELLED', 'CA', 'CANCELLED+'].map(phaseOfSlurmState)).toEqual(Array(3).fill('cancelled'));
    expect(['FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE'].map(phaseOfSlurmState))
      .toEqual(Array(7).fill('failed'));
    expect(phaseOfSlurmState('WEIRD')).toBe('unknown');
  });
  it('names a killing signal', () => {
    expect(describeStatus({ id: '1', state: 'FAILED', exitCode: 0, signal: 9, source: 'scontrol' })).toBe('exit code 0, signal 9 (SIGKILL)');
  });
});
