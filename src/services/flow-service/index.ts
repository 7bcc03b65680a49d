// Placeholder until Flow Service lands.
export class FlowService {}
