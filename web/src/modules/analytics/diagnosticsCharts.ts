/**
 * The model-diagnostics charts' options (frequency histogram, holdout tracking, sBG survival) as plain objects, no
 * imports, so a unit test checks their layout (src/modules/analytics/diagnostics-charts.test.ts): the legend sits at
 * the top, above a grid that starts below it (LEGEND_ROOM), and the grid keeps room at the bottom for the axis labels
 * and the axis name (nameGap + AXIS_NAME_ROOM), so the legend never covers the y-axis' top label and the axis name never
 * covers the tick labels.
 */
export const LEGEND_ROOM = 44;
export const AXIS_NAME_ROOM = 22;
const NAME_GAP = 28;

type Labels = { actual: string; predicted: string; week: string; season: string };
export type DiagnosticsData = {
  frequency?: { x: (string | number)[]; actual: number[]; predicted: number[] };
  holdout?: { weeks: number[]; actual: number[]; predicted: number[] };
  survival?: { season: (string | number)[]; actual: number[]; predicted: number[] };
};

function base(kind: 'bar' | 'line', labels: Labels, actual: number[], predicted: number[], axisName?: string) {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, left: 'center', itemHeight: 10, itemGap: 16 },
    grid: { left: 12, right: 16, top: LEGEND_ROOM, bottom: axisName ? NAME_GAP + AXIS_NAME_ROOM : 12, containLabel: true },
    yAxis: { type: 'value' } as Record<string, unknown>,
    series: [
      { type: kind, name: labels.actual, data: actual },
      { type: kind, name: labels.predicted, data: predicted },
    ],
  };
}

export function diagnosticsOptions(d: DiagnosticsData, labels: Labels) {
  const freq = d.frequency
    ? { ...base('bar', labels, d.frequency.actual, d.frequency.predicted), xAxis: { type: 'category', data: d.frequency.x.map(String) } }
    : null;
  const holdout = d.holdout
    ? {
        ...base('line', labels, d.holdout.actual, d.holdout.predicted, labels.week),
        xAxis: { type: 'category', name: labels.week, nameLocation: 'middle', nameGap: NAME_GAP, data: d.holdout.weeks.map(String) },
      }
    : null;
  const survivalBase = d.survival ? base('line', labels, d.survival.actual, d.survival.predicted, labels.season) : null;
  const survival =
    d.survival && survivalBase
      ? {
          ...survivalBase,
          xAxis: { type: 'category', name: labels.season, nameLocation: 'middle', nameGap: NAME_GAP, data: d.survival.season.map(String) },
          yAxis: { type: 'value', min: 0, max: 1 },
        }
      : null;
  return { freq, holdout, survival };
}
