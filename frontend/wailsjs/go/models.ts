export namespace app {
	
	export enum ErrorCode {
	    Busy = "busy",
	    Cancelled = "cancelled",
	    Internal = "internal",
	    InvalidInput = "invalid_input",
	    NoProfile = "no_profile",
	}
	export interface Profile {
	    name: string;
	    apiUrl: string;
	    organization: string;
	    user: string;
	    role: audit.Role;
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

