/**
 * The model-diagnostics charts' layout (issue #21: legends overlapped the axis labels): each chart's legend is at the
 * top, the grid starts below the legend with room for the y-axis' top label, keeps room at the bottom for the x-axis
 * name below its tick labels, and contains its labels.
 */
import { describe, expect, it } from 'vitest';
import { AXIS_NAME_ROOM, diagnosticsOptions, LEGEND_ROOM } from '../../../web/src/modules/analytics/diagnosticsCharts.js';

const labels = { actual: '实际', predicted: '模型预测', week: '周', season: '采暖季' };
const data = {
  frequency: { x: ['0', '1', '2', '3', '4', '5', '6', '7+'], actual: [5, 4, 3, 2, 1, 1, 0, 1], predicted: [5, 4, 3, 2, 1, 1, 0, 1] },
  holdout: { weeks: [1, 2, 3], actual: [1, 2, 3], predicted: [1, 2, 3] },
  survival: { season: [1, 2, 3], actual: [1, 0.9, 0.8], predicted: [1, 0.9, 0.8] },
};

describe('diagnostics chart options', () => {
  it('put the legend at the top, above a grid that leaves room for it and for the axis labels and names', () => {
    const o = diagnosticsOptions(data, labels);
    for (const [name, chart] of Object.entries(o)) {
      expect(chart, name).not.toBeNull();
      const c = chart!;
      expect(c.legend.top, name).toBe(0);
      // Legend (≈ 20 px high) plus half a y-axis label (≈ 8 px) and a margin: at least 40 px.
      expect(c.grid.top, name).toBeGreaterThanOrEqual(40);
      expect(c.grid.top).toBe(LEGEND_ROOM);
      expect(c.grid.containLabel, name).toBe(true);
      const x = c.xAxis as { name?: string; nameGap?: number };
      if (x.name) expect(c.grid.bottom, name).toBeGreaterThanOrEqual(x.nameGap! + AXIS_NAME_ROOM);
      expect(c.series.map((s) => s.name)).toEqual(['实际', '模型预测']);
    }
    expect((o.survival!.yAxis as { max: number }).max).toBe(1);
    expect((o.holdout!.xAxis as { name: string }).name).toBe('周');
  });

  it('draws only the charts the run has data for', () => {
    const o = diagnosticsOptions({ frequency: data.frequency }, labels);
    expect(o.freq).not.toBeNull();
    expect(o.holdout).toBeNull();
    expect(o.survival).toBeNull();
  });
});
