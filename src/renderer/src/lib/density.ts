import { useCallback, useState } from 'react';

export type Density = 'comfortable' | 'compact';

const KEY = 'entryflow.tableDensity';

function read(): Density {
  try {
    return localStorage.getItem(KEY) === 'compact' ? 'compact' : 'comfortable';
  } catch {
    // Storage can be unavailable (disabled, or a sandboxed test page); the default is fine.
    return 'comfortable';
  }
}

/** The table's row density, remembered across launches in localStorage. */
export function useDensity(): [Density, (d: Density) => void] {
  const [density, setState] = useState<Density>(read);
  const setDensity = useCallback((d: Density) => {
    setState(d);
    try {
      localStorage.setItem(KEY, d);
    } catch {
      // Not remembered, still applied.
    }
  }, []);
  return [density, setDensity];
}
