import { useEffect, useRef } from 'react';
import type { ComposeOption, ECharts } from 'echarts/core';
import type { BarSeriesOption, HeatmapSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption, VisualMapComponentOption } from 'echarts/components';

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | HeatmapSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | VisualMapComponentOption
>;

/** ECharts (about 200 KB gzipped) is fetched once, when the first chart is drawn, never with a page's initial JS. */
let echartsModule: Promise<typeof import('./echarts')> | null = null;
const loadEcharts = () => (echartsModule ??= import('./echarts'));

/**
 * A tiny React wrapper around one ECharts instance: set the option, follow the container's size, dispose on unmount.
 * The chart appears once ECharts has loaded; the latest option is applied then.
 */
export function Chart({
  option,
  height = 260,
  testId,
  onClick,
}: {
  option: ChartOption;
  height?: number;
  testId?: string;
  /** A click on a data point (bar, line symbol): its series and index. */
  onClick?: (point: { seriesIndex: number; dataIndex: number }) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const latest = useRef(option);
  const click = useRef(onClick);
  useEffect(() => {
    latest.current = option;
    chart.current?.setOption(option, true);
  }, [option]);
  useEffect(() => {
    click.current = onClick;
  }, [onClick]);
  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | null = null;
    loadEcharts()
      .then(({ init }) => {
        if (disposed || !ref.current) return;
        const c = init(ref.current);
        chart.current = c;
        c.setOption(latest.current, true);
        // The instance on its element, so a browser test can find where a data point is drawn (convertToPixel).
        (ref.current as HTMLDivElement & { hearthChart?: ECharts }).hearthChart = c;
        c.on('click', (p) => {
          const { seriesIndex, dataIndex } = p as { seriesIndex?: number; dataIndex?: number };
          if (typeof seriesIndex === 'number' && typeof dataIndex === 'number') click.current?.({ seriesIndex, dataIndex });
        });
        observer = new ResizeObserver(() => c.resize());
        observer.observe(ref.current);
      })
      .catch(() => {
        // a chunk that failed to load (offline): the page stays usable without its chart
        echartsModule = null;
      });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  return <div ref={ref} style={{ width: '100%', height }} data-testid={testId} />;
}
