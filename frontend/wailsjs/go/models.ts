export namespace app {
	
	export enum Density {
	    Comfortable = "comfortable",
	    Compact = "compact",
	}
	export enum ErrorCode {
	    Busy = "busy",
	    CacheLocked = "cache_locked",
	    Cancelled = "cancelled",
	    Forbidden = "forbidden",
	    Internal = "internal",
	    InvalidInput = "invalid_input",
	    NoProfile = "no_profile",
	    Offline = "offline",
	    QueryGone = "query_gone",
	    TokenNeeded = "token_needed",
	    Unauthenticated = "unauthenticated",
	}
	export enum ExportFormat {
	    CSV = "csv",
	    XLSX = "xlsx",
	}
	export enum Theme {
	    Dark = "dark",
	    Light = "light",
	    System = "system",
	}
	export interface ActivityEntry {
	    time: string;
	    kind: string;
	    osUser: string;
	    user: string;
	    file: string;
	    format: string;
	    rows: number;
	    sha256: string;
	    filter: string;
	    sort: string;
	}
	export interface Bucket {
	    start: string;
	    end: string;
	    count: number;
	}
	export interface ColumnRead {
	    header: string;
	    field: string;
	}
	export interface Display {
	    timeZone: string;
	    theme: Theme;
	    density: Density;
	    columns: settings.Column[];
	    restoreLast: boolean;
	    last?: settings.LastView;
	}
	export interface MarkInfo {
	    tag: string;
	    note: string;
	    by: string;
	    at: string;
	}
	export interface EventDetail {
	    id: string;
	    timestamp: string;
	    time: string;
	    user: string;
	    scope: string;
	    category: string;
	    action: string;
	    target: string;
	    status: string;
	    description: string;
	    workspace: string;
	    workspaceId: string;
	    source_ip: string;
	    new: boolean;
	    tags: string[];
	    details: string;
	    marks: MarkInfo[];
	}
	export interface ReportOptions {
	    groups: string[][];
	    tops: number[];
	}
	export interface QueryRequest {
	    filter: audit.FilterText;
	    sort: audit.SortField;
	    desc: boolean;
	    firstRows?: number;
	}
	export interface ExportRequest {
	    query: QueryRequest;
	    path: string;
	    format: ExportFormat;
	    bom: boolean;
	    keepFormulas: boolean;
	    report?: ReportOptions;
	}
	export interface ExportResult {
	    path: string;
	    manifest: string;
	    format: ExportFormat;
	    rows: number;
	    sha256: string;
	    bytes: number;
	    report: boolean;
	    findings: number;
	}
	export interface FacetCount {
	    value: string;
	    n: number;
	}
	export interface Facets {
	    scopes: FacetCount[];
	    categories: FacetCount[];
	    statuses: FacetCount[];
	    users: FacetCount[];
	}
	export interface Row {
	    id: string;
	    timestamp: string;
	    time: string;
	    user: string;
	    scope: string;
	    category: string;
	    action: string;
	    target: string;
	    status: string;
	    description: string;
	    workspace: string;
	    workspaceId: string;
	    source_ip: string;
	    new: boolean;
	    tags: string[];
	}
	export interface FilePreview {
	    path: string;
	    name: string;
	    format: string;
	    encoding: string;
	    separator: string;
	    zone: string;
	    zoneFromFile: boolean;
	    noSeconds: number;
	    columns: ColumnRead[];
	    rows: Row[];
	    problems: string[];
	    error: string;
	    verified: boolean;
	    manifestProblem: string;
	}
	export interface Gap {
	    start: string;
	    end: string;
	    pastRetention: boolean;
	}
	export interface GroupKey {
	    value: string;
	    label: string;
	    from: string;
	    to: string;
	}
	export interface ImportOptions {
	    case: string;
	    timeZone: string;
	    encoding: string;
	    skipBad: boolean;
	    unverified: boolean;
	}
	export interface ImportedFile {
	    name: string;
	    new: number;
	    duplicates: number;
	    rejected: number;
	    rejectedFile: string;
	    notes: string[];
	    error: string;
	}
	export interface ImportResult {
	    case: string;
	    files: ImportedFile[];
	    events: number;
	}
	
	
	export interface TagCount {
	    tag: string;
	    n: number;
	    builtin: boolean;
	}
	export interface MarkResult {
	    tag: string;
	    unmark: boolean;
	    undo: boolean;
	    events: number;
	    added: number;
	    changed: number;
	    removed: number;
	    undoable: number;
	    tags: TagCount[];
	}
	export interface Profile {
	    name: string;
	    apiUrl: string;
	    organization: string;
	    user: string;
	    role: audit.Role;
	    workspaces: string[];
	    demo: boolean;
	    imported: boolean;
	    files: number;
	}
	
	export interface QueryResult {
	    id: number;
	    total: number;
	    events: number;
	    newest: string;
	    facets: Facets;
	    histogram: Bucket[];
	    sort: string;
	    timeZone: string;
	    elapsedMs: number;
	    rows: Row[];
	}
	
	
	export interface RowsResult {
	    queryId: number;
	    offset: number;
	    rows: Row[];
	}
	export interface ScopeCategories {
	    scope: audit.Scope;
	    categories: string[];
	}
	export interface Status {
	    version: string;
	    dataDir: string;
	    profile?: Profile;
	    events: number;
	    lastSynced: string;
	    lastSyncError: string;
	    lastSyncCancelled: boolean;
	    lastSuccess: string;
	    oldest: string;
	    newest: string;
	    syncing: boolean;
	    autoDemo: boolean;
	    notice: string;
	    chainHead: string;
	    gaps: Gap[];
	}
	export interface SummaryGroup {
	    keys: GroupKey[];
	    count: number;
	}
	export interface SummaryResult {
	    queryId: number;
	    by: string[];
	    total: number;
	    groups: SummaryGroup[];
	    rest: number;
	    restGroups: number;
	    timeZone: string;
	    elapsedMs: number;
	}
	
	export interface VerifyResult {
	    ok: boolean;
	    events: number;
	    records: number;
	    head: string;
	    altered: number;
	    added: number;
	    removed: number;
	    chainBroken: boolean;
	    problems: string[];
	    covered: Bucket[];
	    gaps: Gap[];
	}
	export interface View {
	    name: string;
	    query: QueryRequest;
	    columns: settings.Column[];
	    builtIn: boolean;
	    about: string;
	}

}

export namespace audit {
	
	export enum Role {
	    ORGANIZATION_OWNER = "ORGANIZATION_OWNER",
	    WORKSPACE_ADMIN = "WORKSPACE_ADMIN",
	    WORKSPACE_MEMBER = "WORKSPACE_MEMBER",
	}
	export enum Scope {
	    Billing = "Billing",
	    Organization = "Organization",
	    Service = "Service",
	    Workspace = "Workspace",
	}
	export enum SortField {
	    Action = "action",
	    Category = "category",
	    Description = "description",
	    ID = "id",
	    Scope = "scope",
	    SourceIP = "source_ip",
	    Status = "status",
	    Target = "target",
	    Timestamp = "timestamp",
	    User = "user",
	    Workspace = "workspace",
	}
	export enum Status {
	    FAILED = "FAILED",
	    SUCCESS = "SUCCESS",
	}
	export interface FilterText {
	    search: string;
	    scope: string;
	    categories: string[];
	    actions: string[];
	    status: string;
	    users: string[];
	    targets: string[];
	    workspace: string;
	    tags?: string[];
	    from: string;
	    to: string;
	    timeZone: string;
	}

}

export namespace query {
	
	export enum ValueField {
	    Action = "action",
	    Category = "category",
	    User = "user",
	}
	export enum GroupField {
	    Action = "action",
	    Category = "category",
	    Day = "day",
	    Month = "month",
	    Scope = "scope",
	    Status = "status",
	    Target = "target",
	    User = "user",
	    Week = "week",
	    Workspace = "workspace",
	}

}

export namespace settings {
	
	export interface Column {
	    key: string;
	    width?: number;
	    hidden?: boolean;
	}
	export interface LastView {
	    filter: audit.FilterText;
	    preset?: string;
	    sort?: audit.SortField;
	    desc?: boolean;
	    view?: string;
	}

}

