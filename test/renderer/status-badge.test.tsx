import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { STATUSES } from '../../src/shared/contract';
import { ProgressBar } from '../../src/renderer/src/components/ProgressBar';
import { StatusBadge } from '../../src/renderer/src/components/StatusBadge';
import { STATUS_LOOK } from '../../src/renderer/src/lib/status';

describe('status badge', () => {
  it('labels every status and gives each its own colour', () => {
    for (const s of STATUSES) render(<StatusBadge status={s} />);
    const colours = new Set<string>();
    for (const s of STATUSES) {
      const badge = screen.getByText(STATUS_LOOK[s].label);
      expect(badge).toHaveAttribute('data-status', s);
      colours.add(badge.className);
    }
    expect(colours.size).toBe(STATUSES.length);
  });
});

describe('progress bar', () => {
  it('exposes its value to assistive technology and shows the percentage', () => {
    render(<ProgressBar value={66} status="STAGE_2" label="Progress of Job" />);
    const bar = screen.getByRole('progressbar', { name: 'Progress of Job' });
    expect(bar).toHaveAttribute('aria-valuenow', '66');
    expect(bar).toHaveAttribute('aria-valuemin', '0');
    expect(bar).toHaveAttribute('aria-valuemax', '100');
    expect(screen.getByText('66%')).toBeInTheDocument();
  });
});
