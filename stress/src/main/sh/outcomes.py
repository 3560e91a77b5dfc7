#!/usr/bin/env python3
"""Sums a jcstress HTML report's observed outcomes per test over every JVM configuration and prints one table
per test: outcome, count, expectation. Usage: outcomes.py RESULTS_DIR"""
import glob
import os
import re
import sys


def cells(row):
    return [re.sub(r'<[^>]+>', '', c).strip() for c in re.findall(r'<t[dh][^>]*>(.*?)</t[dh]>', row, re.S)]


def main(results):
    total = 0
    for path in sorted(glob.glob(os.path.join(results, '*.html'))):
        name = os.path.basename(path)[:-5]
        if name == 'index':
            continue
        text = open(path, encoding='utf-8').read()
        at = text.find('Observed States')
        if at < 0:
            continue
        rows = re.findall(r'<tr[^>]*>(.*?)</tr>', text[at:], re.S)
        states = [c for c in cells(rows[0]) if c]
        expect = [c for c in cells(rows[1]) if c]
        sums = [0] * len(states)
        for row in rows[2:]:
            vals = cells(row)
            nums = [v.replace(',', '') for v in vals[-len(states):]] if len(vals) >= len(states) else []
            if nums and all(re.fullmatch(r'\d+', n) for n in nums):
                sums = [s + int(n) for s, n in zip(sums, nums)]
        print(name)
        for s, e, n in zip(states, expect, sums):
            print(f'  {s:<24} {n:>14,}  {e}')
        total += sum(sums)
    print(f'total samples: {total:,}')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'results')
