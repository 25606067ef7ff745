import type { CSSProperties, ReactNode } from 'react';
import { Tooltip } from 'antd';

/** Longer than this, the whole text is also offered as a tooltip (it may be cut). */
const TOOLTIP_FROM = 24;

/**
 * A name or title in a list: at most `lines` lines (two by default), cut with an ellipsis, the whole text in a tooltip;
 * never narrower than `minWidth`, so a narrow column shows words rather than one character per line, and a very long
 * name (200 characters) never makes a row tall or the page wider than the screen.
 */
export function ClampText({ text, lines = 2, minWidth = 96, maxWidth, children, testId }: { text: string; lines?: number; minWidth?: number; maxWidth?: number; children?: ReactNode; testId?: string }) {
  const style: CSSProperties = {
    display: '-webkit-box',
    WebkitLineClamp: lines,
    WebkitBoxOrient: 'vertical',
    overflow: 'hidden',
    overflowWrap: 'anywhere',
    minWidth,
    maxWidth,
  };
  const body = (
    <span style={style} data-testid={testId} data-clamp={lines}>
      {children ?? text}
    </span>
  );
  return text.length > TOOLTIP_FROM ? <Tooltip title={text}>{body}</Tooltip> : body;
}
