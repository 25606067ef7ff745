import Markdown from 'react-markdown';
import { Typography } from 'antd';
import type { KbBodyFormat } from './api';

/**
 * An article body on screen. Markdown goes through react-markdown, which builds React elements (never innerHTML):
 * raw HTML in the text shows as literal text and `javascript:` links are dropped. Plain text keeps its line breaks.
 */
export function ArticleBody({ body, format }: { body: string; format: KbBodyFormat }) {
  if (format === 'text') {
    return (
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="kb-body">
        {body}
      </Typography.Paragraph>
    );
  }
  return (
    <div className="kb-body" data-testid="kb-body" style={{ lineHeight: 1.75, overflowWrap: 'anywhere' }}>
      <Markdown>{body}</Markdown>
    </div>
  );
}
