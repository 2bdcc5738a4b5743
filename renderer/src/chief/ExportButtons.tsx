import { Alert, Button, Flex, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChiefExportFile, ExportScope } from '@common/contract/chief-commands';
import type { ContractError } from '@common/contract';
import { asContractError, call } from '../app/call';
import { mediaUrl } from '../review/player/angle-source';

type Choice = 'slotXlsx' | 'slotCsv' | 'subjectXlsx' | 'subjectCsv';

/**
 * The results file for the exam office, of the slot or the whole subject, as Excel or CSV: main
 * writes it, the renderer saves it from /media/<id> (as the review's exports are saved).
 */
export function ExportButtons({ examId, slotId, subjectId }: { examId: string; slotId: string; subjectId: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<Choice | null>(null);
  const [file, setFile] = useState<ChiefExportFile | null>(null);
  const [error, setError] = useState<ContractError | null>(null);
  const run = async (choice: Choice) => {
    const scope: ExportScope = choice.startsWith('slot') ? { kind: 'slot', slotId } : { kind: 'subject', examId, subjectId };
    setBusy(choice);
    setError(null);
    setFile(null);
    try {
      setFile(await call('chief.export', { scope, format: choice.endsWith('Xlsx') ? 'xlsx' : 'csv' }));
    } catch (failure) {
      setError(asContractError(failure));
    } finally {
      setBusy(null);
    }
  };
  const choices: Choice[] = ['slotXlsx', 'slotCsv', 'subjectXlsx', 'subjectCsv'];
  return (
    <Flex vertical gap={6} data-testid="chief-export">
      <Flex gap={8} wrap align="center">
        <Typography.Text strong>{t('chief.export.title')}</Typography.Text>
        {choices.map((choice) => (
          <Button key={choice} size="small" loading={busy === choice} disabled={busy !== null && busy !== choice} onClick={() => void run(choice)} data-testid={`export-${choice}`}>
            {t(`chief.export.${choice}`)}
          </Button>
        ))}
      </Flex>
      {error && <Alert type={error.code === 'export_empty' ? 'warning' : 'error'} showIcon title={t(`errors.${error.code}`)} data-testid="export-error" data-code={error.code} />}
      {file && (
        <Flex gap={8} align="center" wrap data-testid="export-ready">
          <Typography.Text>{t('chief.export.ready', { fileName: file.fileName, candidates: file.candidates })}</Typography.Text>
          <a href={mediaUrl(file.mediaId)} download={file.fileName} data-testid="export-save">
            {t('chief.export.save')}
          </a>
        </Flex>
      )}
    </Flex>
  );
}
