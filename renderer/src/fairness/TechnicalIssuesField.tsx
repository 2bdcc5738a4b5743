import { Button, Card, Empty, Flex, Form, Input, Select, Tag, Typography } from 'antd';
import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_ISSUE_MOMENTS, MAX_TECHNICAL_ISSUES, TechnicalIssueCategory, type TechnicalIssue } from '@common/platform';
import { formatMoment, MAX_MOMENT_MS, parseMoment } from './moment-time';

interface TechnicalIssuesFieldProps {
  /** Prefix of the field ids (the sheet's). */
  readonly idPrefix: string;
  readonly issues: readonly TechnicalIssue[];
  readonly readOnly: boolean;
  /**
   * Now on the sheet's clock, in milliseconds: the review player's current time, or the time
   * since the live interview began. Without it moments are typed (mm:ss) only.
   */
  readonly currentTimeMs?: (() => number) | undefined;
  onChange(issues: TechnicalIssue[]): void;
}

function newIssueId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `ti${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Technical-issue marks (技术问题): what the recording or the connection did to the performance,
 * with a category, a note and moments. Carried with the sheet, never part of its total.
 */
export function TechnicalIssuesField({ idPrefix, issues, readOnly, currentTimeMs, onChange }: TechnicalIssuesFieldProps) {
  const { t } = useTranslation();
  const [category, setCategory] = useState<TechnicalIssueCategory | null>(null);
  const categoryLabel = (value: TechnicalIssueCategory) => t(`fairness.issues.categories.${value}`);
  const options = TechnicalIssueCategory.options.map((value) => ({ value, label: categoryLabel(value) }));
  const update = (id: string, change: (issue: TechnicalIssue) => TechnicalIssue) => onChange(issues.map((issue) => (issue.id === id ? change(issue) : issue)));

  const add = () => {
    if (readOnly || category === null || issues.length >= MAX_TECHNICAL_ISSUES) return;
    onChange([...issues, { id: newIssueId(), category, note: '', moments: [] }]);
    setCategory(null);
  };

  return (
    <Card
      size="small"
      title={t('fairness.issues.title')}
      data-testid="technical-issues"
      data-count={issues.length}
      styles={{ body: { display: 'flex', flexDirection: 'column', gap: 8 } }}
    >
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('fairness.issues.hint')}
      </Typography.Text>
      {issues.length === 0 && readOnly && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('fairness.issues.none')} />}
      {issues.map((issue, index) => (
        <IssueEditor
          key={issue.id}
          idPrefix={`${idPrefix}-${issue.id}`}
          index={index}
          issue={issue}
          readOnly={readOnly}
          options={options}
          currentTimeMs={currentTimeMs}
          onChange={(change) => update(issue.id, change)}
          onRemove={() => onChange(issues.filter((other) => other.id !== issue.id))}
        />
      ))}
      {!readOnly && issues.length < MAX_TECHNICAL_ISSUES && (
        <Flex gap={8} align="center" wrap>
          <Select<TechnicalIssueCategory>
            value={category}
            options={options}
            placeholder={t('fairness.issues.chooseCategory')}
            aria-label={t('fairness.issues.category')}
            onChange={setCategory}
            virtual={false}
            style={{ minWidth: 200 }}
            data-testid="issue-category"
          />
          <Button onClick={add} disabled={category === null} data-testid="add-issue">
            {t('fairness.issues.add')}
          </Button>
        </Flex>
      )}
    </Card>
  );
}

interface IssueEditorProps {
  readonly idPrefix: string;
  readonly index: number;
  readonly issue: TechnicalIssue;
  readonly readOnly: boolean;
  readonly options: { value: TechnicalIssueCategory; label: string }[];
  readonly currentTimeMs: (() => number) | undefined;
  onChange(change: (issue: TechnicalIssue) => TechnicalIssue): void;
  onRemove(): void;
}

function IssueEditor({ idPrefix, index, issue, readOnly, options, currentTimeMs, onChange, onRemove }: IssueEditorProps) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const [badTime, setBadTime] = useState(false);
  const categoryText = options.find((option) => option.value === issue.category)?.label ?? issue.category;
  const full = issue.moments.length >= MAX_ISSUE_MOMENTS;

  const addMoment = (atMs: number) => {
    if (readOnly || full) return;
    const at = Math.min(MAX_MOMENT_MS, Math.max(0, Math.round(atMs)));
    onChange((current) => ({ ...current, moments: [...current.moments, { atMs: at }].sort((a, b) => a.atMs - b.atMs) }));
  };
  const addTyped = () => {
    const ms = parseMoment(typed);
    if (ms === null) {
      setBadTime(true);
      return;
    }
    setBadTime(false);
    setTyped('');
    addMoment(ms);
  };
  const onTypedKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
    // Enter here adds the moment; it must not reach the form's submit.
    event.preventDefault();
    event.stopPropagation();
    addTyped();
  };

  return (
    <div data-testid="technical-issue" data-category={issue.category} data-moments={issue.moments.length} style={{ borderTop: '1px solid #f0f0f0', paddingTop: 8 }}>
      <Flex justify="space-between" align="center" gap={8}>
        <Typography.Text strong>{t('fairness.issues.item', { index: index + 1, category: categoryText })}</Typography.Text>
        {!readOnly && (
          <Button size="small" danger onClick={onRemove} aria-label={t('fairness.issues.remove')} data-testid="remove-issue">
            {t('fairness.issues.remove')}
          </Button>
        )}
      </Flex>
      {!readOnly && (
        <Form.Item label={t('fairness.issues.category')} style={{ marginBottom: 8 }}>
          <Select<TechnicalIssueCategory>
            value={issue.category}
            options={options}
            aria-label={t('fairness.issues.category')}
            virtual={false}
            style={{ minWidth: 200 }}
            onChange={(category) => onChange((current) => ({ ...current, category }))}
          />
        </Form.Item>
      )}
      <Form.Item label={t('fairness.issues.note')} htmlFor={`${idPrefix}-note`} style={{ marginBottom: 8 }}>
        {readOnly ? (
          <Typography.Text>{issue.note || '—'}</Typography.Text>
        ) : (
          <Input.TextArea
            id={`${idPrefix}-note`}
            value={issue.note}
            maxLength={500}
            autoSize={{ minRows: 1, maxRows: 4 }}
            onChange={(event) => {
              const note = event.target.value;
              onChange((current) => ({ ...current, note }));
            }}
          />
        )}
      </Form.Item>
      <Form.Item label={t('fairness.issues.moments')} style={{ marginBottom: 0 }}>
        <Flex vertical gap={6}>
          <Flex gap={4} wrap data-testid="issue-moments">
            {issue.moments.length === 0 && <Typography.Text type="secondary">{t('fairness.issues.noMoments')}</Typography.Text>}
            {issue.moments.map((moment, at) => (
              <Tag
                key={`${String(moment.atMs)}-${String(at)}`}
                data-testid="issue-moment"
                data-at-ms={moment.atMs}
                closable={!readOnly}
                closeIcon={readOnly ? undefined : <span aria-label={t('fairness.issues.removeMoment', { time: formatMoment(moment.atMs) })}>×</span>}
                onClose={(event) => {
                  event.preventDefault();
                  onChange((current) => ({ ...current, moments: current.moments.filter((_, other) => other !== at) }));
                }}
              >
                {moment.toMs === undefined ? formatMoment(moment.atMs) : `${formatMoment(moment.atMs)}–${formatMoment(moment.toMs)}`}
              </Tag>
            ))}
          </Flex>
          {!readOnly && !full && (
            <Flex gap={8} align="start" wrap>
              {currentTimeMs && (
                <Button size="small" onClick={() => addMoment(currentTimeMs())} data-testid="add-moment-now">
                  {t('fairness.issues.addNow')}
                </Button>
              )}
              <Form.Item
                validateStatus={badTime ? 'error' : ''}
                help={badTime ? t('fairness.issues.badTime') : undefined}
                style={{ marginBottom: 0 }}
              >
                <Input
                  size="small"
                  value={typed}
                  placeholder="mm:ss"
                  aria-label={t('fairness.issues.typed')}
                  aria-invalid={badTime}
                  autoComplete="off"
                  style={{ width: 100 }}
                  onChange={(event) => {
                    setTyped(event.target.value);
                    setBadTime(false);
                  }}
                  onKeyDown={onTypedKey}
                />
              </Form.Item>
              <Button size="small" onClick={addTyped} data-testid="add-moment-typed">
                {t('fairness.issues.addTyped')}
              </Button>
            </Flex>
          )}
        </Flex>
      </Form.Item>
    </div>
  );
}
