import { init, use as register } from 'echarts/core';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Only what Hearth's charts use (analytics, ticket reports), through ECharts' modular imports. This module is loaded
// by platform/Chart.tsx on the first chart drawn, so ECharts is in no page's initial JavaScript.
register([BarChart, LineChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, CanvasRenderer]);

export { init };
