/** Small shared pieces of the visual language: buttons and keyboard hints. */
import type { ButtonHTMLAttributes, ReactNode } from 'react';

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';

const VARIANTS: Record<Variant, string> = {
  primary:
    // Disabled must read as disabled in dark too, where indigo at 60% over zinc-900 looked enabled.
    'bg-indigo-600 text-white shadow-sm hover:bg-indigo-500 active:bg-indigo-700 disabled:bg-indigo-600/60 dark:hover:bg-indigo-500 dark:disabled:bg-indigo-500/25 dark:disabled:text-white/55 dark:disabled:shadow-none',
  secondary:
    'border border-zinc-200 bg-white text-zinc-800 shadow-xs hover:bg-zinc-50 disabled:text-zinc-400 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800',
  /** Destroys or stops work: delete, cancel entries. */
  danger:
    // rose-600 and darker only: white on rose-500 is 3.6:1, under WCAG AA (axe caught it in dark).
    'bg-rose-600 text-white shadow-sm hover:bg-rose-700 active:bg-rose-800 disabled:bg-rose-600/60',
  ghost: 'text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100',
};

export function Button({
  variant = 'secondary',
  className = '',
  type = 'button',
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return (
    <button
      type={type}
      className={`focus-ring inline-flex h-9 items-center justify-center gap-2 rounded-lg px-3.5 text-sm font-medium whitespace-nowrap transition-[background-color,border-color,box-shadow] disabled:cursor-not-allowed ${VARIANTS[variant]} ${className}`}
      {...props}
    />
  );
}

export function Kbd({ children, onDark = false }: { children: ReactNode; onDark?: boolean }) {
  return (
    <kbd
      className={`rounded px-1.5 py-px font-sans text-[11px] font-medium ${
        onDark ? 'bg-white/10 text-white' : 'border border-zinc-300 text-zinc-600 dark:border-zinc-600 dark:text-zinc-300'
      }`}
    >
      {children}
    </kbd>
  );
}
