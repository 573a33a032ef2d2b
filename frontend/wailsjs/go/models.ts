export namespace app {
	
	export enum ErrorCode {
	    Busy = "busy",
	    CacheLocked = "cache_locked",
	    Cancelled = "cancelled",
	    Forbidden = "forbidden",
	    Internal = "internal",
	    InvalidInput = "invalid_input",
	    NoProfile = "no_profile",
	    Offline = "offline",
	    TokenNeeded = "token_needed",
	    Unauthenticated = "unauthenticated",
	}
	export interface Profile {
	    name: string;
	    apiUrl: string;
	    organization: string;
	    user: string;
	    role: audit.Role;
	    workspaces: string[];
	    demo: boolean;
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
	}

}

export namespace audit {
	
	export enum Scope {
	    Billing = "Billing",
	    Organization = "Organization",
	    Service = "Service",
	    Workspace = "Workspace",
	}
	export enum Status {
	    FAILED = "FAILED",
	    SUCCESS = "SUCCESS",
	}
	export enum Role {
	    ORGANIZATION_OWNER = "ORGANIZATION_OWNER",
	    WORKSPACE_ADMIN = "WORKSPACE_ADMIN",
	    WORKSPACE_MEMBER = "WORKSPACE_MEMBER",
	}

}

